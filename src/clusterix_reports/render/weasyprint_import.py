"""Importing WeasyPrint without searching the system for its C libraries.

WeasyPrint opens Pango, HarfBuzz and fontconfig by trying several spellings of each name,
for every platform. cffi hands each spelling it cannot open as written to
`ctypes.util.find_library`, which on Linux runs ldconfig, then gcc and ld, to look for it:
measured here, 86 processes and a third of a second for one import, most of them for
spellings that cannot exist on Linux. Every list also holds the library's Linux name
(libpango-1.0.so.0), which the system's loader opens directly. So the import runs first
without those searches; where that fails (a system that knows the libraries by other
names), it runs again with them, as WeasyPrint would on its own.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import io
import sys
from types import ModuleType

from clusterix_reports.errors import ExitCode, UserError


class MissingLibraryError(UserError):
    """A C library WeasyPrint lays out the PDF with is not installed."""

    exit_code = ExitCode.UNEXPECTED


def import_weasyprint() -> ModuleType:
    """The weasyprint module, its C libraries opened by their Linux names where they can be."""
    if "weasyprint" in sys.modules or not sys.platform.startswith("linux"):
        import weasyprint

        return weasyprint
    search = ctypes.util.find_library
    ctypes.util.find_library = _not_searched
    try:
        # WeasyPrint prints installation help when a library will not open: not yet its turn
        with contextlib.redirect_stdout(io.StringIO()):
            import weasyprint

        return weasyprint
    except OSError:
        for name in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
            del sys.modules[name]
    finally:
        ctypes.util.find_library = search
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # its installation help: ours says it
            import weasyprint
    except OSError as error:
        raise MissingLibraryError(
            f"the PDF cannot be made: WeasyPrint cannot open the Pango library ({error}); "
            "install Pango (Debian or Ubuntu: apt install libpango-1.0-0 libpangoft2-1.0-0; "
            "macOS: brew install pango) and run again."
        ) from None
    return weasyprint


def _not_searched(name: str) -> None:
    """`find_library` without a search: the library is opened by the name written, or not."""
    return None
