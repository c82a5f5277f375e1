"""De-identification for roles that may not see personal information (PIPL).

Applied to whole answers, so a sensitive property is masked wherever it appears.

>>> mask({"phone": "13812345678", "id_number": "33030419900101123X", "political_status": "群众"})
{'phone': '138****5678', 'id_number': '330304********123X', 'political_status': '（已隐藏）'}
"""

from __future__ import annotations

from graph.ontology import load

WITHHELD = "（已隐藏）"


def _phone(value: str) -> str:
    return value[:3] + "****" + value[-4:] if len(value) >= 7 else WITHHELD


def _id_number(value: str) -> str:
    return value[:6] + "********" + value[-4:] if len(value) >= 10 else WITHHELD


MASKS = {"phone": _phone, "id_number": _id_number}


def mask(answer):
    """A copy of ``answer`` with every sensitive property (ontology ``sensitive: true``) masked."""
    sensitive = load().sensitive_properties()
    if isinstance(answer, dict):
        return {k: (_masked(k, v) if k in sensitive else mask(v)) for k, v in answer.items()}
    if isinstance(answer, list):
        return [mask(item) for item in answer]
    return answer


def _masked(key: str, value):
    if value is None:
        return None
    return MASKS.get(key, lambda _: WITHHELD)(str(value))
