"""The invoke entry point: `invoke --list` shows every task."""

from wasixtasks.tasks import namespace

ns = namespace()
