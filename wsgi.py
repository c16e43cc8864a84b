"""WSGI entry point: creates the app, then freezes the start-up heap (see hotline/ops/heap.py)."""

from hotline import create_app
from hotline.ops.heap import freeze_startup_heap

app = create_app()
freeze_startup_heap()
