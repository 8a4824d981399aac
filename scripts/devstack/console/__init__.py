"""The developer console (`server`) and the API reference (`reference`) of the local stack."""
