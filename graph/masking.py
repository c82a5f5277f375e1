"""De-identification for roles that may not see personal information (PIPL).

Applied to whole answers, so a sensitive property is masked wherever it appears, the way
its value type says (a phone keeps its first three and last four digits, an ID number its
region prefix only; what has no mask is withheld whole).  Each mask leaves more than a thousand
values possible, even beside the birth year and gender a viewer sees.

>>> mask({"phone": "13812345678", "id_number": "33030419900101123X", "political_status": "群众"})
{'phone': '138****5678', 'id_number': '330304************', 'political_status': '（已隐藏）'}
"""

from __future__ import annotations

from functools import cache

from graph.ontology import Ontology, load
from graph.values import VALUE_TYPES, ValueType


@cache
def _sensitive(onto: Ontology) -> dict[str, ValueType]:
    """Sensitive property name → its value type, over every label and relationship."""
    return {name: VALUE_TYPES[p.type] for name, p in onto.sensitive_properties().items()}


def mask(answer):
    """A copy of ``answer`` with every sensitive property (ontology ``sensitive: true``) masked."""
    sensitive = _sensitive(load())
    if isinstance(answer, dict):
        return {k: (sensitive[k].masked(v) if k in sensitive else mask(v)) for k, v in answer.items()}
    if isinstance(answer, list):
        return [mask(item) for item in answer]
    return answer
