"""WeasyPrint is imported without searching for its C libraries, and still where they have
other names."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux loader")

COUNT_PROCESSES = """
import subprocess
started = []
original = subprocess.Popen.__init__
def counted(self, args, *rest, **options):
    started.append(args)
    original(self, args, *rest, **options)
subprocess.Popen.__init__ = counted
"""


def run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )


def test_the_import_starts_no_process() -> None:
    done = run(
        COUNT_PROCESSES
        + "from clusterix_reports.render.weasyprint_import import import_weasyprint\n"
        "import ctypes.util\n"
        "search = ctypes.util.find_library\n"
        "weasyprint = import_weasyprint()\n"
        "assert ctypes.util.find_library is search\n"
        "print(len(started), weasyprint.HTML.__name__)\n"
    )
    assert done.stdout.split() == ["0", "HTML"]


def test_the_import_searches_where_the_libraries_have_other_names() -> None:
    # a system whose loader knows none of the libraries by their Linux names (libpango-1.0.so.0):
    # the import fails without the search, silently, and succeeds with it
    done = run(
        COUNT_PROCESSES + "import cffi\n"
        "opened = cffi.FFI.dlopen\n"
        "def only_searched(self, name, flags=0):\n"
        "    if '.so.' in name:\n"
        "        raise OSError(f'cannot open {name}')\n"
        "    return opened(self, name, flags)\n"
        "cffi.FFI.dlopen = only_searched\n"
        "from clusterix_reports.render.weasyprint_import import import_weasyprint\n"
        "weasyprint = import_weasyprint()\n"
        "html = weasyprint.HTML(string='<p>a</p>')\n"
        "print(len(started) > 0, len(html.render().pages))\n"
    )
    assert done.stdout.split() == ["True", "1"]


def test_a_missing_pango_is_one_sentence_and_exit_1_with_the_outputs_untouched(tmp_path) -> None:
    outputs = tmp_path / "outputs"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import cffi, sys\n"
            "opened = cffi.FFI.dlopen\n"
            "def no_pango(self, name, flags=0):\n"
            "    if 'pango' in str(name):\n"
            "        raise OSError(f'cannot load library {name!r}')\n"
            "    return opened(self, name, flags)\n"
            "cffi.FFI.dlopen = no_pango\n"
            "from clusterix_reports.cli import main\n"
            f"sys.exit(main(['run', '--outputs', {str(outputs)!r}]))\n",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1, done.stderr
    said = [line for line in done.stderr.splitlines() if line.startswith("clusterix-reports:")]
    assert len(said) == 1 and "Traceback" not in done.stderr
    assert "WeasyPrint cannot open the Pango library" in said[0] and "install Pango" in said[0]
    assert "WeasyPrint could not import" not in done.stdout  # its own help is not printed
    assert not list(outputs.glob("reports/*/*.pdf"))
