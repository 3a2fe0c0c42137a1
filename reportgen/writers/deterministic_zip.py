"""Zip packages (.docx) whose bytes depend only on their parts: fixed entry times, permissions and order.

The same data must give the same file on every machine and every run (tests compare bytes; users
compare files), so every zip reportgen writes goes through here.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib


#: The timestamp every zip entry gets: the earliest a zip can hold, so output bytes never vary.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def read_zip(data: bytes) -> dict[str, bytes]:
    """Every entry of a zip, by name."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        return {name: source.read(name) for name in source.namelist()}


#: A zip entry ready to be written: name as stored, zip flag bits, CRC-32, uncompressed size and
#: the raw deflate stream (level 6 unless asked otherwise, as zipfile writes it).
ZipEntry = tuple[bytes, int, int, int, bytes]

_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_CENTRAL_HEADER = struct.Struct("<4s4B4HL2L5H2L")
_END_RECORD = struct.Struct("<4s4H2LH")
_DOS_TIME = ZIP_TIME[3] << 11 | ZIP_TIME[4] << 5 | ZIP_TIME[5] // 2
_DOS_DATE = (ZIP_TIME[0] - 1980) << 9 | ZIP_TIME[1] << 5 | ZIP_TIME[2]
_VERSION = 20  # deflate
_ATTRIBUTES = 0o644 << 16
_ZIP32_LIMIT = (1 << 31) - 1


def deflate(name: str, content: bytes, level: int = 6) -> ZipEntry:
    """Compress one entry now, so a part that never changes is compressed once per process.

    A writer whose parts all change every time (.xlsx) may trade size for speed with a lower level.
    """
    try:
        encoded, flags = name.encode("ascii"), 0
    except UnicodeEncodeError:
        encoded, flags = name.encode("utf-8"), 0x800
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    data = compressor.compress(content) + compressor.flush()
    return encoded, flags, zlib.crc32(content), len(content), data


def write_zip(entries: dict[str, ZipEntry]) -> bytes:
    """A .docx zip with fixed entry times, permissions and order (reproducible bytes).

    [Content_Types].xml stays first, as the OPC convention expects; other parts follow by name.
    The layout is the one zipfile writes (no extra fields, no data descriptors, made on MS-DOS),
    assembled from entries compressed beforehand.
    """
    names = sorted(entries, key=lambda n: (n != "[Content_Types].xml", n))
    if sum(len(entries[n][4]) + entries[n][3] for n in names) > _ZIP32_LIMIT:
        return write_parts({n: zlib.decompress(entries[n][4], -15) for n in names})
    chunks, central, offset = [], [], 0
    for name in names:
        encoded, flags, crc, size, data = entries[name]
        header = _LOCAL_HEADER.pack(b"PK\003\004", _VERSION, 0, flags, zipfile.ZIP_DEFLATED, _DOS_TIME, _DOS_DATE,
                                    crc, len(data), size, len(encoded), 0)
        central.append(_CENTRAL_HEADER.pack(b"PK\001\002", _VERSION, 0, _VERSION, 0, flags, zipfile.ZIP_DEFLATED,
                                            _DOS_TIME, _DOS_DATE, crc, len(data), size, len(encoded), 0, 0, 0, 0,
                                            _ATTRIBUTES, offset) + encoded)
        chunks += (header, encoded, data)
        offset += len(header) + len(encoded) + len(data)
    directory = b"".join(central)
    end = _END_RECORD.pack(b"PK\005\006", 0, 0, len(names), len(names), len(directory), offset, 0)
    return b"".join(chunks) + directory + end


def write_parts(parts: dict[str, bytes]) -> bytes:
    """Parts not compressed beforehand, written with zipfile in the same layout as ``write_zip``."""
    names = sorted(parts, key=lambda n: (n != "[Content_Types].xml", n))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as target:
        for name in names:
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = _ATTRIBUTES
            info.create_system = 0
            target.writestr(info, parts[name], compresslevel=6)
    return out.getvalue()
