"""The certificate: one A4 page in the page's language, made with reportlab's built-in fonts (no system
fonts, nothing from the internet). The trainee's name is typed when they download it and printed, never
stored; the verification code leads to /verify/<code>, which shows the date, score and course version."""

from __future__ import annotations

import io
import unicodedata

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

NAME_MAX = 100


def clean_name(text: str) -> str:
    """A name as typed, made printable with the built-in fonts: no control characters, one space between
    words, characters the font cannot show replaced by '?'. The PDF is drawn as text, never parsed as
    markup, so <b>, <script> or %PDF in a name are printed as they are."""
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text or "")
    text = " ".join(text.split())
    return "".join(ch if ch.encode("cp1252", "ignore") else "?" for ch in text)


def _centred(pdf, text: str, y: float, font: str, size: float, width: float, max_width: float) -> None:
    while size > 10 and stringWidth(text, font, size) > max_width:
        size -= 1
    pdf.setFont(font, size)
    pdf.drawCentredString(width / 2, y, text)


def certificate_pdf(
    *,
    lang: str,
    t: dict,
    course_title: str,
    name: str,
    date: str,
    percent: int,
    right: int,
    total: int,
    version: str,
    code: str,
    verify_url: str,
) -> bytes:
    buffer = io.BytesIO()
    width, height = A4
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=0)
    pdf.setTitle(f"{t['progress_pdf_heading']} – {course_title}")
    pdf.setAuthor(course_title)
    pdf.setSubject(f"{t['progress_pdf_code']} {code}")
    pdf.setLineWidth(3)
    pdf.setStrokeColorRGB(0.1, 0.25, 0.45)
    pdf.rect(36, 36, width - 72, height - 72)
    margin = 90
    usable = width - 2 * margin
    _centred(pdf, t["progress_pdf_heading"], height - 170, "Helvetica-Bold", 40, width, usable)
    _centred(pdf, t["progress_pdf_awarded"], height - 240, "Helvetica", 16, width, usable)
    _centred(pdf, clean_name(name)[:NAME_MAX], height - 290, "Helvetica-Bold", 28, width, usable)
    _centred(pdf, t["progress_pdf_passed"], height - 340, "Helvetica", 16, width, usable)
    _centred(pdf, course_title, height - 380, "Helvetica-Bold", 20, width, usable)
    rows = [
        (t["progress_pdf_date"], date),
        (t["progress_pdf_score"], f"{percent}% ({right}/{total})"),
        (t["progress_pdf_version"], version),
        (t["progress_pdf_code"], code),
    ]
    y = height - 470
    for label, value in rows:
        pdf.setFont("Helvetica", 13)
        pdf.drawRightString(width / 2 - 10, y, f"{label}:")
        pdf.setFont("Helvetica-Bold", 13)
        pdf.drawString(width / 2 + 10, y, value)
        y -= 24
    _centred(pdf, t["progress_pdf_verify"], 150, "Helvetica", 11, width, usable)
    _centred(pdf, verify_url, 132, "Courier", 11, width, usable)
    pdf.setLineWidth(0)
    pdf.linkURL(verify_url, (margin, 125, width - margin, 145), relative=0)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
