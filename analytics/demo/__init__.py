"""The synthetic demo province "Provinsi Contoh" (code 99), written as a user's raw files.

:func:`build_demo` is pure (a seed in, canonical frames out); :func:`write_demo` writes them
as the files a branch office would bring; :func:`generate_demo` does both and is what
``cakupan demo --seed N`` runs.
"""

from analytics.demo.build import DemoData, build_demo
from analytics.demo.writers import generate_demo, write_demo

__all__ = ["DemoData", "build_demo", "generate_demo", "write_demo"]
