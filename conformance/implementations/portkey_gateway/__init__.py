"""Portkey's open-source AI gateway (`@portkey-ai/gateway`, npm), probed through in front of the
reference server (README.md in this folder)."""

NAME = "portkey-gateway"
PROXY = "launcher:Portkey"
