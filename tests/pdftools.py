"""What a person gets from a PDF: its text, as poppler's tools read it, and its facts."""

import subprocess


def _run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def pdf_facts(pdf: bytes, tmp_path) -> tuple[str, str, str]:
    """(text with whitespace collapsed, pdfinfo's output, pdffonts' output)."""
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    text = _run("pdftotext", "-raw", str(path), "-")
    return " ".join(text.split()), _run("pdfinfo", str(path)), _run("pdffonts", str(path))


def page_orientations(pdf: bytes, tmp_path) -> list[str]:
    """Each page's orientation, 'portrait' or 'landscape', checking every page is A4."""
    path = tmp_path / "pages.pdf"
    path.write_bytes(pdf)
    orientations = []
    for line in _run("pdfinfo", "-f", "1", "-l", "9999", str(path)).splitlines():
        if line.startswith("Page") and " size:" in line:
            assert "(A4)" in line, line
            width, height = (float(v) for v in line.split("size:")[1].split("pts")[0].split("x"))
            orientations.append("portrait" if height > width else "landscape")
    return orientations
