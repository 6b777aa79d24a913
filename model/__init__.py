"""The model layer: stack config models and the SCS catalogue, on top of the federation catalogue.

Imports nothing of ours but `federation_catalogue`; components and programs build on it.
"""
