#!/usr/bin/env python3
"""Check the module layers of gumstack/src: no module uses one of a higher
layer, and no files use each other in a circle.

A file "uses" another when it names an item that the other defines: through
`use crate::...`, `use super::...`, or a path written in code (`crate::a::b`,
`super::x`). Re-exports (`pub use`) are followed to the file that defines the
item, so a parent module that re-exports its children is not itself a step in
a circle. `mod x;` declarations are not uses.

The layers, lowest first, are the table in LAYERS below (DESIGN.md's); a module
may use its own layer and those below. `lib.rs` is the facade and may use
anything. Prints each problem on one line and exits 1 if there is any.

    python3 scripts/layers.py [gumstack/src]
"""

import os
import re
import sys
from collections import defaultdict

LAYERS = {
    "error": 0, "secret": 0, "crypto": 0, "seal": 0, "telemetry": 0,
    "credentials": 1, "provider": 1, "store": 1, "scopes": 1,
    "grants": 2, "audit": 2, "tools": 2, "prompts": 2, "resources": 2, "completion": 2,
    "context": 2, "providers": 2,
    "mode": 3, "service": 3, "auth_server": 3,
    "host": 4,
    "__private": 5, "testing": 5,
}
FACADE = ()  # the crate root: lib.rs


def module_of(root, path):
    rel = os.path.relpath(path, root)[:-3].split(os.sep)
    if rel == ["lib"]:
        return ()
    if rel[-1] == "mod":
        rel = rel[:-1]
    return tuple(rel)


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    # String literals may hold `crate::` in messages.
    text = re.sub(r'"(?:\\.|[^"\\])*"', '""', text)
    return strip_test_modules(text)


def strip_test_modules(text):
    """Drop `#[cfg(test)] mod name { ... }`: inside it `super::` is the file's
    own module, and a test module uses nothing but its parent."""
    out, at = [], 0
    for m in re.finditer(r"#\[cfg\(test\)\]\s*mod\s+\w+\s*\{", text):
        if m.start() < at:
            continue
        depth, i = 1, m.end()
        while i < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        out.append(text[at:m.start()])
        at = i
    out.append(text[at:])
    return "".join(out)


def split_top(s):
    """Split a use-tree list at commas that are not inside braces."""
    depth, part, parts = 0, "", []
    for ch in s:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(part)
            part = ""
        else:
            part += ch
    if part.strip():
        parts.append(part)
    return parts


def expand_use(tree, prefix=()):
    """Yield (path, alias) for each leaf of a use tree."""
    tree = tree.strip()
    if not tree:
        return
    m = re.match(r"^(.*?)::\{(.*)\}$", tree, re.S)
    if m:
        base = tuple(p for p in m.group(1).split("::") if p)
        for part in split_top(m.group(2)):
            yield from expand_use(part, prefix + base)
        return
    if tree.startswith("{") and tree.endswith("}"):
        for part in split_top(tree[1:-1]):
            yield from expand_use(part, prefix)
        return
    alias = None
    m = re.match(r"^(.*)\s+as\s+(\w+)$", tree, re.S)
    if m:
        tree, alias = m.group(1).strip(), m.group(2)
    path = prefix + tuple(p.strip() for p in tree.split("::") if p.strip())
    if path and path[-1] == "self":
        path = path[:-1]
    if path:
        yield path, alias or (path[-1] if path[-1] != "*" else None)


def absolute(path, module):
    """`crate::`/`super::`/`self::` paths made absolute from `module`;
    None for paths into other crates."""
    if not path:
        return None
    head, rest = path[0], list(path[1:])
    if head == "crate":
        return tuple(rest)
    if head in ("super", "self"):
        base = list(module)
        segs = list(path)
        while segs and segs[0] in ("super", "self"):
            if segs[0] == "super":
                if not base:
                    return None
                base.pop()
            segs.pop(0)
        return tuple(base + segs)
    return None


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "..", "gumstack", "src")
    root = os.path.normpath(root)
    files = {}
    for dirpath, _, names in os.walk(root):
        for name in names:
            if name.endswith(".rs"):
                path = os.path.join(dirpath, name)
                files[module_of(root, path)] = path
    texts = {m: strip_comments(open(p).read()) for m, p in files.items()}

    # Re-exports and imports per module: name -> absolute target path.
    aliases = defaultdict(dict)
    uses = defaultdict(set)
    for module, text in texts.items():
        children = {m[-1] for m in files if len(m) == len(module) + 1 and m[:-1] == module}
        for m in re.finditer(r"(pub(?:\([^)]*\))?\s+)?use\s+([^;]+);", text):
            public = bool(m.group(1))
            for path, alias in expand_use(m.group(2)):
                # `use child::x` names a child module without a prefix.
                if path[0] in children:
                    path = ("self",) + path
                target = absolute(path, module)
                if target is None:
                    continue
                if alias:
                    aliases[module][alias] = target
                if not public:
                    uses[module].add(target)
        body = re.sub(r"(pub(?:\([^)]*\))?\s+)?use\s+[^;]+;", "", text)
        for m in re.finditer(r"\b((?:crate|super|self)(?:::\w+)+)", body):
            target = absolute(tuple(m.group(1).split("::")), module)
            if target:
                uses[module].add(target)
        # `child::item` names a child module without a prefix (2018 paths).
        for m in re.finditer(r"(?<![\w:])(\w+)((?:::\w+)+)", body):
            if m.group(1) in children:
                uses[module].add(module + tuple(m.group(0).split("::")))
        # A bare name imported by a private `use` counts once, above.

    def resolve(path, seen=frozenset()):
        """The module whose file defines `path`'s item."""
        for cut in range(len(path), -1, -1):
            prefix = path[:cut]
            if prefix in files:
                if cut == len(path):
                    return prefix
                name = path[cut]
                target = aliases[prefix].get(name)
                key = (prefix, name)
                if target and key not in seen:
                    return resolve(target + path[cut + 1:], seen | {key})
                return prefix
        return None

    edges = defaultdict(set)
    why = defaultdict(set)
    for module, targets in uses.items():
        for target in targets:
            to = resolve(target)
            if to is not None and to != module:
                edges[module].add(to)
                why[(module, to)].add("::".join(target))
    if os.environ.get("WHY"):
        a, b = (module_of(root, os.path.join(root, f)) for f in os.environ["WHY"].split())
        print(f"{a} -> {b}: {sorted(why[(a, b)])}")

    problems = []
    for module, tos in sorted(edges.items()):
        if module == FACADE or not module:
            continue
        layer = LAYERS.get(module[0])
        if layer is None:
            problems.append(f"{files[module]}: module `{module[0]}` has no layer in scripts/layers.py")
            continue
        for to in sorted(tos):
            if not to:
                continue
            their = LAYERS.get(to[0])
            if their is not None and their > layer:
                problems.append(
                    f"upward: {'::'.join(module)} (layer {layer}) uses {'::'.join(to)} (layer {their})")

    # Circles among files: Tarjan's strongly connected components.
    index, low, stack, on, sccs = {}, {}, [], set(), []
    counter = [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                sccs.append(comp)

    sys.setrecursionlimit(10000)
    for v in sorted(files):
        if v not in index:
            strong(v)
    for comp in sccs:
        names = sorted(os.path.relpath(files[m], root) for m in comp)
        problems.append(f"circle of {len(names)} files: {', '.join(names)}")

    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} layer problem(s) in {root}")
        return 1
    print(f"layers ok: {len(files)} files, no upward use, no circle")
    return 0


if __name__ == "__main__":
    sys.exit(main())
