"""Field masks: the `fields` query parameter of reads, and the `fields` of update requests.

https://developers.google.com/sheets/api/guides/field-masks — comma-separated paths, dots for
sub-fields, parentheses to group sub-fields ("sheets(properties(title,sheetId))"), "*" for all.
"""

from __future__ import annotations

from typing import Any

from .model import json_copy

Tree = dict[str, Any]  # name -> sub-tree, or None for "the whole field"


class MaskError(ValueError):
    pass


def parse(text: str) -> Tree:
    tree, pos = _parse_list(text.replace(" ", ""), 0)
    if pos != len(text.replace(" ", "")):
        raise MaskError(text)
    return tree


def _parse_list(text: str, pos: int) -> tuple[Tree, int]:
    tree: Tree = {}
    while True:
        end = pos
        while end < len(text) and text[end] not in ",()":
            end += 1
        path = text[pos:end]
        if not path:
            raise MaskError(text)
        sub: Tree | None = None
        pos = end
        if pos < len(text) and text[pos] == "(":
            sub, pos = _parse_list(text, pos + 1)
            if pos >= len(text) or text[pos] != ")":
                raise MaskError(text)
            pos += 1
        _insert(tree, path.split("."), sub)
        if pos < len(text) and text[pos] == ",":
            pos += 1
            continue
        return tree, pos


def _insert(tree: Tree, parts: list[str], sub: Tree | None) -> None:
    head, rest = parts[0], parts[1:]
    if head in tree and tree[head] is None:
        return
    if not rest:
        if sub is None or head not in tree:
            tree[head] = sub
        else:
            for key, value in sub.items():
                _insert(tree[head], [key], value)
        return
    _insert(tree.setdefault(head, {}), rest, sub)


def select(value: Any, tree: Tree | None) -> Any:
    """Keep only the masked fields of a response."""
    if tree is None or "*" in tree:
        return value
    if isinstance(value, list):
        return [select(item, tree) for item in value]
    if not isinstance(value, dict):
        return value
    return {key: select(value[key], sub) for key, sub in tree.items() if key in value}


def paths(text: str) -> list[list[str]]:
    """An update mask as a list of paths; ["*"] means every field."""
    out: list[list[str]] = []

    def walk(tree: Tree, prefix: list[str]) -> None:
        for key, sub in tree.items():
            if sub is None:
                out.append([*prefix, key])
            else:
                walk(sub, [*prefix, key])

    walk(parse(text), [])
    return out


def apply(target: dict[str, Any], source: dict[str, Any], mask: list[list[str]], every: tuple[str, ...]) -> None:
    """Copy the masked fields from source to target; a masked field absent from source is cleared.

    `every` lists the top-level fields "*" stands for.
    """
    for path in mask:
        if path == ["*"]:
            for key in every:
                _assign(target, source, [key])
        else:
            _assign(target, source, path)


def _assign(target: dict[str, Any], source: dict[str, Any], path: list[str]) -> None:
    node: Any = source
    for part in path:
        node = node.get(part) if isinstance(node, dict) else None
    parent = target
    for part in path[:-1]:
        if node is None and not isinstance(parent.get(part), dict):
            return
        parent = parent.setdefault(part, {})
    if node is None:
        parent.pop(path[-1], None)
    else:
        parent[path[-1]] = json_copy(node)
    _prune_empty(target, path[:-1])


def _prune_empty(target: dict[str, Any], path: list[str]) -> None:
    chain = [target]
    for part in path:
        nxt = chain[-1].get(part)
        if not isinstance(nxt, dict):
            return
        chain.append(nxt)
    for part, parent, child in zip(reversed(path), reversed(chain[:-1]), reversed(chain[1:]), strict=True):
        if child:
            return
        del parent[part]
