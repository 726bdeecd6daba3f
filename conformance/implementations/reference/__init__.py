"""The reference implementation: the suite's own models (a `model`), its wire client and server."""

NAME = "reference"
ADAPTER = "adapter:ReferenceAdapter"
WIRE = "wire:ReferenceWireAdapter"
