// Command standin-language-python is a stand-in for Pulumi's Python language host
// (pulumi-language-python), installed under that name next to the real `pulumi` CLI.
//
// The Go module proxy serves the CLI (github.com/pulumi/pulumi/pkg/v3) but refuses every version of
// the language host's own module, so this one is ours. It does only what a preview or an update of
// this project needs, with the SDK's own toolchain package resolving the virtualenv exactly as the
// real host does:
//   - Run: `python -u run_program.py --monitor ... ENTRY_POINT` from the program's virtualenv, with
//     the stack's config in PULUMI_CONFIG; the engine starts this host in the program directory.
//   - RunPlugin for policy packs: `python -u -m pulumi.policy ENGINE PACK_DIR` from the pack's own
//     virtualenv (a pack gets no default one), working directory the pack, stack identity and config
//     in the environment, through the SDK's policy proxy that learns them from the engine.
//   - GetRequiredPackages: the resource plugins the installed Pulumi packages declare.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	sdk "github.com/pulumi/pulumi/sdk/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/pulumi/pulumi/sdk/v3/python/toolchain"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// version is what the stand-in reports as its plugin version.
const version = "0.0.0-standin"

// programRunner is the Python script, installed beside this binary, that runs a program under the engine.
const programRunner = "run_program.py"

// exitAfterUserMessage is the exit code by which the program runner says it already reported the error.
const exitAfterUserMessage = 32

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	engineAddress string
	runner        string
}

func main() {
	flag.String("tracing", "", "accepted for compatibility with the engine's plugin launch; ignored")
	flag.Parse()
	self, err := os.Executable()
	if err != nil {
		fail(err)
	}
	h := &host{engineAddress: flag.Arg(0), runner: filepath.Join(filepath.Dir(self), programRunner)}
	if _, err := os.Stat(h.runner); err != nil {
		fail(fmt.Errorf("the program runner must sit beside the language host: %w", err))
	}
	cancel := make(chan bool)
	if h.engineAddress != "" {
		ctx, stop := context.WithCancel(context.Background())
		if err := rpcutil.Healthcheck(ctx, h.engineAddress, 5*time.Minute, stop); err != nil {
			fail(err)
		}
		go func() { <-ctx.Done(); close(cancel) }()
	}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, h)
			return nil
		},
	})
	if err != nil {
		fail(err)
	}
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "stand-in python language host: %v\n", err)
	os.Exit(1)
}

func (h *host) Handshake(
	_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.engineAddress = req.GetEngineAddress()
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

// pythonOptions reads Pulumi.yaml's (or PulumiPolicy.yaml's) runtime options. A pack's virtualenv
// has no default: like the real host, only a program falls back to whatever `python3` is on PATH.
func pythonOptions(info *pulumirpc.ProgramInfo) (toolchain.PythonOptions, error) {
	opts := toolchain.PythonOptions{Root: info.GetRootDirectory(), ProgramDir: info.GetProgramDirectory()}
	options := info.GetOptions().AsMap()
	if venv, ok := options["virtualenv"]; ok {
		name, isString := venv.(string)
		if !isString {
			return opts, errors.New("runtime option virtualenv must be a string")
		}
		opts.Virtualenv = name
	}
	if tc, ok := options["toolchain"]; ok && tc != "pip" {
		return opts, fmt.Errorf("the stand-in language host supports the pip toolchain only, not %v", tc)
	}
	opts.Toolchain = toolchain.Pip
	return opts, nil
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	opts, err := pythonOptions(req.GetInfo())
	if err != nil {
		return nil, err
	}
	tc, err := toolchain.ResolveToolchain(opts)
	if err != nil {
		return nil, err
	}
	if err := tc.ValidateVenv(ctx); err != nil {
		return nil, err
	}
	args := []string{"-u", h.runner,
		"--monitor", req.GetMonitorAddress(),
		"--engine", h.engineAddress,
		"--project", req.GetProject(),
		"--stack", req.GetStack(),
		"--organization", req.GetOrganization(),
		"--root-directory", req.GetInfo().GetRootDirectory(),
		"--pwd", req.GetPwd(),
		"--parallel", strconv.Itoa(int(req.GetParallel())),
		"--dry-run", strconv.FormatBool(req.GetDryRun()),
		req.GetInfo().GetEntryPoint(),
	}
	args = append(args, req.GetArgs()...)
	cmd, err := tc.Command(ctx, args...)
	if err != nil {
		return nil, err
	}
	config, err := json.Marshal(req.GetConfig())
	if err != nil {
		return nil, err
	}
	secretKeys, err := json.Marshal(append([]string{}, req.GetConfigSecretKeys()...))
	if err != nil {
		return nil, err
	}
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	cmd.Env = append(cmd.Env, "PULUMI_CONFIG="+string(config), "PULUMI_CONFIG_SECRET_KEYS="+string(secretKeys))
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	err = cmd.Run()
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return &pulumirpc.RunResponse{}, nil
	case errors.As(err, &exitErr) && exitErr.ExitCode() == exitAfterUserMessage:
		return &pulumirpc.RunResponse{Bail: true}, nil
	case errors.As(err, &exitErr):
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("program exited with code %d", exitErr.ExitCode())}, nil
	default:
		return &pulumirpc.RunResponse{Error: "could not start the program: " + err.Error()}, nil
	}
}

func (h *host) RunPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	if req.GetKind() != string(apitype.AnalyzerPlugin) {
		return fmt.Errorf("the stand-in language host runs policy packs only, not %s plugins", req.GetKind())
	}
	ctx := server.Context()
	opts, err := pythonOptions(req.GetInfo())
	if err != nil {
		return err
	}
	tc, err := toolchain.ResolveToolchain(opts)
	if err != nil {
		return err
	}
	args := append([]string{"-u", "-m", "pulumi.policy"}, req.GetArgs()...)
	cmd, err := tc.Command(ctx, append(args, req.GetInfo().GetProgramDirectory())...)
	if err != nil {
		return err
	}
	cmd.Dir = req.GetInfo().GetProgramDirectory()
	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	defer closer.Close()
	// The pack learns its stack from the environment; the engine says it only over the analyzer
	// protocol, so a proxy answers that first call and then hands the pack's port to the engine.
	proxy, stdout, err := sdk.NewPolicyProxy(ctx, stdout)
	if err != nil {
		return err
	}
	stack, err := proxy.AwaitConfiguration(ctx)
	if err != nil {
		return err
	}
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	if stack != nil {
		config, err := json.Marshal(stack.GetConfig())
		if err != nil {
			return err
		}
		cmd.Env = append(cmd.Env,
			"PULUMI_ORGANIZATION="+stack.GetOrganization(),
			"PULUMI_PROJECT="+stack.GetProject(),
			"PULUMI_STACK="+stack.GetStack(),
			"PULUMI_DRY_RUN="+strconv.FormatBool(stack.GetDryRun()),
			"PULUMI_CONFIG="+string(config))
	}
	cmd.Env = append(cmd.Env, req.GetEnv()...)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	if err := proxy.Attach(ctx, cmd); err != nil {
		return err
	}
	return closer.Close()
}

// pluginDeclarations lists, as JSON, the resource plugins that the installed distributions declare
// in their pulumi-plugin.json files.
const pluginDeclarations = `
import importlib.metadata, json
found = []
for dist in importlib.metadata.distributions():
    for file in dist.files or []:
        if file.name == "pulumi-plugin.json":
            declared = json.loads(file.read_text())
            if declared.get("resource"):
                found.append({"name": declared.get("name") or dist.metadata["Name"].removeprefix("pulumi-"),
                              "version": declared.get("version") or dist.version,
                              "server": declared.get("server") or ""})
print(json.dumps(found))
`

func (h *host) GetRequiredPackages(
	ctx context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	opts, err := pythonOptions(req.GetInfo())
	if err != nil {
		return nil, err
	}
	tc, err := toolchain.ResolveToolchain(opts)
	if err != nil {
		return nil, err
	}
	cmd, err := tc.Command(ctx, "-c", pluginDeclarations)
	if err != nil {
		return nil, err
	}
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("listing the program's Pulumi packages: %w", err)
	}
	var declared []struct{ Name, Version, Server string }
	if err := json.Unmarshal(out, &declared); err != nil {
		return nil, fmt.Errorf("listing the program's Pulumi packages: %w", err)
	}
	packages := make([]*pulumirpc.PackageDependency, 0, len(declared))
	for _, d := range declared {
		packages = append(packages, &pulumirpc.PackageDependency{
			Name: d.Name, Kind: "resource", Version: "v" + strings.TrimPrefix(d.Version, "v"), Server: d.Server,
		})
	}
	return &pulumirpc.GetRequiredPackagesResponse{Packages: packages}, nil
}
