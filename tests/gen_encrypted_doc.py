"""Make a password-protected .doc with LibreOffice (a test input, made on demand).

    /usr/bin/python3 tests/gen_encrypted_doc.py SOFFICE_BIN WORKDIR SRC.docx OUT.doc [PASSWORD]

Run with a Python that has LibreOffice's ``uno`` (python3-uno); it reuses the
converter bridge's start-up code and saves SRC as "MS Word 97" with a password.
"""

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "docparse", "readers"))

import _unobridge as b  # noqa: E402


def main() -> None:
    soffice, workdir, src, dst = sys.argv[1:5]
    password = sys.argv[5] if len(sys.argv) > 5 else "secret"
    pipe = "docparse-test-" + os.path.basename(workdir)
    b._state["pipe"] = pipe
    b._state["soffice"] = b.start_soffice(soffice, workdir, pipe, None)
    try:
        desktop = b.connect(soffice, workdir, pipe, None, time.monotonic() + 60)
        import uno

        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0, b._props(Hidden=True))
        doc.storeToURL(uno.systemPathToFileUrl(dst), b._props(FilterName="MS Word 97", Password=password))
        doc.close(True)
        try:
            desktop.terminate()
        except Exception:
            pass
        b._state["soffice"].wait(timeout=10)
    except BaseException:
        import traceback

        traceback.print_exc()
        b._state["dir"] = workdir
        b._cleanup_and_exit(1)
    finally:
        b._state["dir"] = workdir  # removes LibreOffice's sockets in /tmp and the work dir
        b._cleanup_and_exit(0)


if __name__ == "__main__":
    main()
