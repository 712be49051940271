"""Every payload declared once, as a pydantic v2 model, and the OpenAPI `components.schemas` generated from them.

One module per feature (`activities.py`, `checkins.py`, `campaigns.py`, `common.py`, …), each model a subclass
of `app.schemas.base.Schema`: the same declaration validates the page's form, the API's JSON and the seed, and
documents the API, so the three cannot drift.

How to add an endpoint
1. Declare its body and its answer in `app/schemas/<feature>.py`: a `Schema` subclass per payload, a
   `field_validator` per rule raising `vi("…")` with the Vietnamese message, `MESSAGES[field]` for any other
   error of a field. The class name is the name in `components.schemas`.
2. In the view of `app/api/<feature>.py`: `payload = FooInput.parse(request.get_json(silent=True))`. An
   `Invalid` it raises answers 422 `{"error": {"code": "invalid", "message", "fields"}}` by itself (the handler
   is registered in `app/api/__init__.py`); catch it only to add checks of your own.
3. Document the operation beside the view (or in a `<feature>_docs.py` beside it), at module level:
   `operation("/foos/{foo_id}", "post", "create_foo", "Tạo …", "foos", ok=(201, Foo), body=FooInput,
   errors=("403", "404", "422"), parameters=[path_id("foo_id")])` (`app/api/docs.py`); every model named
   there, and every model inside it, becomes a component (named by the model's `title` if it sets one).
   `ok=(200, [Foo])` documents a list. Never write a component schema by hand.
4. Import the module in `app/api/__init__.py`; add the route to `tests/hardening/test_route_scope.py`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, models_json_schema

REF = "#/components/schemas/{model}"


@dataclass(frozen=True)
class OneOf:
    """A payload that is exactly one of several models (a check-in: a person, a ticket or a registration)."""

    name: str
    description: str
    models: tuple[type[BaseModel], ...]


class _Generator(GenerateJsonSchema):
    """Pydantic's JSON Schema (2020-12, which OpenAPI 3.1 uses) without a generated title on every field."""

    def field_title_should_be_set(self, schema) -> bool:
        return False

    def default_schema(self, schema):
        """No `default`: a field's default is how the server reads an absent field (None, "", the activity's
        commune…), written in the validator, not a value the client should send."""
        json_schema = super().default_schema(schema)
        json_schema.pop("default", None)
        return json_schema


def ref(name: str) -> dict:
    """A reference to a component."""
    return {"$ref": REF.format(model=name)}


def _untitled(schema: dict) -> dict:
    schema.pop("title", None)
    return schema


def _inlined(node, schemas: dict[str, dict], names: set[str]):
    """`node` with every reference to one of `names` replaced by that schema itself."""
    if isinstance(node, list):
        return [_inlined(item, schemas, names) for item in node]
    if not isinstance(node, dict):
        return node
    target = node.get("$ref", "").rpartition("/")[2]
    if target in names:
        return _inlined(schemas[target], schemas, names)
    return {key: _inlined(value, schemas, names) for key, value in node.items()}


def _reachable(models: list[type[BaseModel]]) -> list[type[BaseModel]]:
    """`models` and every model inside them (field annotations), each once."""
    seen: dict[type[BaseModel], None] = {}
    todo = list(models)
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen[model] = None
        for field in model.model_fields.values():
            todo.extend(_models_in(field.annotation))
    return list(seen)


def _renamed(node, names: dict[str, str]):
    """`node` with every reference to a class name of `names` pointing at its component name instead."""
    if isinstance(node, list):
        return [_renamed(item, names) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _renamed(value, names) for key, value in node.items()}
    target = out.get("$ref", "").rpartition("/")[2]
    if target in names:
        out["$ref"] = REF.format(model=names[target])
    return out


def _models_in(annotation) -> list[type[BaseModel]]:
    """The pydantic models an annotation mentions (`list[Duty]`, `Foo | None`, …)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in getattr(annotation, "__args__", ()) for m in _models_in(arg)]


def components(models: Iterable[type[BaseModel]], one_ofs: Iterable[OneOf] = ()) -> dict[str, dict]:
    """`components.schemas` for these models (and every model inside them), plus each OneOf, by name."""
    one_ofs = list(one_ofs)
    models = list(dict.fromkeys(models))
    listed = list(dict.fromkeys([*models, *(m for o in one_ofs for m in o.models)]))
    _, top = models_json_schema([(m, "validation") for m in listed], ref_template=REF,
                                schema_generator=_Generator)
    schemas = {name: _untitled(schema) for name, schema in sorted(top.get("$defs", {}).items())}
    reachable = _reachable(listed)
    # A model marked INLINE (a part of one answer, such as the error's body) is written where it is used.
    inline = {m.__name__ for m in reachable if getattr(m, "INLINE", False)}
    schemas = {name: _inlined(schema, schemas, inline) for name, schema in schemas.items() if name not in inline}
    # A declaration may name its component (`model_config = ConfigDict(title="Task")` for `TaskOut`).
    titles = {m.__name__: m.model_config["title"] for m in reachable
              if m.model_config.get("title") and m.model_config["title"] != m.__name__}
    if titles:
        schemas = {titles.get(name, name): _renamed(schema, titles) for name, schema in schemas.items()}
    for one in one_ofs:
        schemas[one.name] = {"description": one.description,
                             "oneOf": [schemas[component_name(m)] if m in models else schemas.pop(component_name(m))
                                       for m in one.models]}
    return schemas


def component_name(model: type[BaseModel]) -> str:
    """A model's name in `components.schemas`: its `title` when the declaration sets one, else its class name."""
    return model.model_config.get("title") or model.__name__
