"""Pydantic v2 declarations of the API's payloads, one module per feature (the OpenAPI document is built from them)."""
