"""The invoke namespace, assembled from thin task collections."""

from __future__ import annotations

from invoke.collection import Collection

from . import build, check, index, install, root, sources, test, toolchain


def namespace() -> Collection:
    ns = Collection()
    for task_ in (root.list_, root.graph, root.clean):
        ns.add_task(task_)
    for module in (build, sources, toolchain, install, test, check, index):
        ns.add_collection(Collection.from_module(module))
    return ns
