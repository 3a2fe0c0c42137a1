"""Characters that cannot reach an XML file (.docx, .xlsx), defined once for the model and the writers,
and the escaping both writers use for the XML they write as text.

The model refuses them where they are typed (with a message); the writers strip what XML 1.0 cannot
hold as the last guard, because python-docx and the .xlsx writer would otherwise fail or write a file
Word and Excel refuse to open.
"""

import re

#: C0/C1 controls and bidi overrides: invisible, and bidi marks can make a number read backwards.
#: Zero-width characters (U+200B…, U+2060…) and the soft hyphen ride along when text is pasted from web pages.
#: U+FFFE/U+FFFF and lone surrogates are not characters at all (XML cannot hold them).
INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\xad\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufffe\uffff\ud800-\udfff]")

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def strip_not_xml(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold."""
    return _NOT_XML.sub("", text)


def escape_text(text: str) -> str:
    """Text as element content (quotes need no escaping there, as Word and Excel write it)."""
    if "&" in text or "<" in text or ">" in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


_ATTRIBUTE_ESCAPED = re.compile('[&"<>\n\r\t]')


def escape_attribute(text: str) -> str:
    """Text as an attribute value: line breaks and tabs as character references, or a parser turns them into spaces."""
    if not _ATTRIBUTE_ESCAPED.search(text):  # most hints, names and style ids: nothing to replace
        return text
    return (text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;"))
