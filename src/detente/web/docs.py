"""/docs: the API's OpenAPI description as a readable page, made on the server.

FastAPI's own /docs loads Swagger UI from a CDN, which the offline rule forbids; this
page is rendered from the same OpenAPI document (/openapi.json), needs no script, and
links every GET endpoint so it can be tried from the browser.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from detente.web.context import render

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Parameter:
    name: str
    where: str
    required: bool
    kind: str
    default: str
    description: str


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    description: str
    parameters: tuple[Parameter, ...]
    body: tuple[Parameter, ...]
    responses: tuple[tuple[str, str], ...]
    anchor: str


def _kind(schema: dict[str, Any], components: dict[str, Any]) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        kinds = [_kind(s, components) for s in schema["anyOf"]]
        return " or ".join(k for k in kinds if k != "null") + (
            " (optional)" if "null" in kinds else ""
        )
    kind = str(schema.get("type", "any"))
    if kind == "array":
        return f"list of {_kind(schema.get('items', {}), components)}"
    if schema.get("format"):
        kind += f" ({schema['format']})"
    if schema.get("pattern"):
        kind += f" matching {schema['pattern']}"
    return kind


def _default(schema: dict[str, Any]) -> str:
    return "" if "default" not in schema or schema["default"] is None else str(schema["default"])


def operations(spec: dict[str, Any]) -> list[Operation]:
    """The operations of an OpenAPI document, in path order, for the docs page."""
    components = spec.get("components", {}).get("schemas", {})
    found: list[Operation] = []
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            params = tuple(
                Parameter(
                    name=p["name"],
                    where=p.get("in", ""),
                    required=bool(p.get("required")),
                    kind=_kind(p.get("schema", {}), components),
                    default=_default(p.get("schema", {})),
                    description=p.get("description") or p.get("schema", {}).get("description", ""),
                )
                for p in op.get("parameters", [])
            )
            body: tuple[Parameter, ...] = ()
            content = op.get("requestBody", {}).get("content", {}).get("application/json")
            if content:
                ref = content.get("schema", {}).get("$ref", "")
                schema = components.get(ref.rsplit("/", 1)[-1], {})
                required = set(schema.get("required", []))
                body = tuple(
                    Parameter(
                        name=name,
                        where="body",
                        required=name in required,
                        kind=_kind(prop, components),
                        default=_default(prop),
                        description=prop.get("description", ""),
                    )
                    for name, prop in schema.get("properties", {}).items()
                )
            responses = tuple(
                (code, r.get("description", "")) for code, r in op.get("responses", {}).items()
            )
            found.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    summary=op.get("summary", ""),
                    description=op.get("description", ""),
                    parameters=params,
                    body=body,
                    responses=responses,
                    anchor=f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", ""),
                )
            )
    return found


@router.get("/docs")
def docs(request: Request) -> Response:
    spec = request.app.openapi()
    return render(
        request,
        "docs.html",
        {"info": spec.get("info", {}), "operations": operations(spec), "page": "docs"},
    )
