// Command standin-provider answers the Pulumi resource-provider protocol for a package whose real
// provider plugin cannot be built from the Go module proxy, or cannot run without its cloud.
//
// It is installed under the plugin name it stands in for (pulumi-resource-openstack, ...) and takes
// the package name from that file name. Its semantics are the offline run's: Check accepts the
// inputs as given, a preview Create leaves the ID unknown and echoes the inputs as outputs, a real
// Create gives a stable ID derived from the URN, and data-source invokes echo their arguments with
// an ID made from the name they look up. It never talks to a cloud.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// version is what the stand-in reports as its plugin version.
const version = "0.0.0-standin"

type standin struct {
	pulumirpc.UnimplementedResourceProviderServer
	pkg string
}

func main() {
	flag.String("tracing", "", "accepted for compatibility with the engine's plugin launch; ignored")
	flag.Parse()
	pkg := strings.TrimPrefix(filepath.Base(os.Args[0]), "pulumi-resource-")
	cancel := make(chan bool)
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterResourceProviderServer(srv, &standin{pkg: pkg})
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "stand-in provider %s: %v\n", pkg, err)
		os.Exit(1)
	}
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "stand-in provider %s: %v\n", pkg, err)
		os.Exit(1)
	}
}

func (p *standin) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

func (p *standin) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

func (p *standin) DiffConfig(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	return diff(req.GetOldInputs(), req.GetNews()), nil
}

func (p *standin) Configure(context.Context, *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	return &pulumirpc.ConfigureResponse{
		AcceptSecrets:   true,
		SupportsPreview: true,
		AcceptResources: true,
		AcceptOutputs:   false,
	}, nil
}

func (p *standin) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

func (p *standin) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	return diff(req.GetOldInputs(), req.GetNews()), nil
}

func (p *standin) Create(_ context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	if req.GetPreview() {
		return &pulumirpc.CreateResponse{Properties: req.GetProperties()}, nil
	}
	return &pulumirpc.CreateResponse{Id: stableID(req.GetUrn()), Properties: req.GetProperties()}, nil
}

func (p *standin) Read(_ context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: req.GetProperties(), Inputs: req.GetInputs()}, nil
}

func (p *standin) Update(_ context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	return &pulumirpc.UpdateResponse{Properties: req.GetNews()}, nil
}

func (p *standin) Delete(context.Context, *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func (p *standin) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// Invoke answers a data-source read (a role, a project, an image looked up by name) as something
// that exists: its arguments, plus an ID made from the name it was looked up by.
func (p *standin) Invoke(_ context.Context, req *pulumirpc.InvokeRequest) (*pulumirpc.InvokeResponse, error) {
	result := &structpb.Struct{Fields: map[string]*structpb.Value{}}
	for key, value := range req.GetArgs().GetFields() {
		result.Fields[key] = value
	}
	if _, ok := result.Fields["id"]; !ok {
		name := req.GetTok()[strings.LastIndex(req.GetTok(), ":")+1:]
		if given := result.Fields["name"].GetStringValue(); given != "" {
			name = given
		}
		result.Fields["id"] = structpb.NewStringValue(name + "-id")
	}
	return &pulumirpc.InvokeResponse{Return: result}, nil
}

// diff reports the top-level input keys whose values changed.
func diff(olds, news *structpb.Struct) *pulumirpc.DiffResponse {
	var changed []string
	for key, value := range news.GetFields() {
		if old, ok := olds.GetFields()[key]; !ok || !proto.Equal(old, value) {
			changed = append(changed, key)
		}
	}
	for key := range olds.GetFields() {
		if _, ok := news.GetFields()[key]; !ok {
			changed = append(changed, key)
		}
	}
	if len(changed) == 0 {
		return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}
	}
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_SOME, Diffs: changed}
}

// stableID gives a created resource an ID that is the same on every run of the same URN.
func stableID(urn string) string {
	sum := sha256.Sum256([]byte(urn))
	h := hex.EncodeToString(sum[:16])
	return fmt.Sprintf("%s-%s-%s-%s-%s", h[0:8], h[8:12], h[12:16], h[16:20], h[20:32])
}
