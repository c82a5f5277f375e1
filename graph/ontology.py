"""Load the ontology declared in ``ontology.yaml`` and refuse one that contradicts itself.

Everything that knows about labels, relationship types, properties or templates asks
this module, so changing the model means changing one YAML file.

>>> onto = load()
>>> onto.labels["Member"].zh
'新的社会阶层人士'
>>> sorted(onto.labels["Member"].lineage)
['Entity', 'Member', 'Person']
>>> onto.relationship("列名联系").name
'LIAISES_WITH'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

import yaml

from graph.errors import OntologyError
from graph.values import VALUE_TYPES, clean, fold_word

ONTOLOGY_FILE = Path(__file__).with_name("ontology.yaml")
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
ROOT_LABEL = "Entity"
RELATIONSHIP_PROVENANCE = ("key", "source_file", "source_sheet", "source_row", "ingested_at")
RELATIONSHIP_KINDS = ("tie", "event", "structural")  # standing links, dated occurrences, places


@dataclass(frozen=True)
class Property:
    name: str
    type: str
    zh: str
    required: bool = False
    sensitive: bool = False
    index: bool = False
    derived: bool = False
    values: tuple[str, ...] = ()
    aliases: dict[str, str] = field(default_factory=dict, hash=False)  # folded alias → value
    link: str | None = None
    column: str | None = None
    shown: bool = True
    rdf: str | None = None
    open: bool = False  # an enum whose values are the usual words, not the only ones
    headers: tuple[str, ...] = ()  # other headers rosters give this column (手机号码 for 手机)
    otherwise: str | None = None  # the property a cell of the other kind goes to (a landline in 手机)

    def clean(self, raw):
        """``raw`` as this property holds it, or ``ValueError`` with a reason in Chinese."""
        return clean(self.type, raw, self.values, self.aliases)


@dataclass(frozen=True)
class Label:
    name: str
    zh: str
    own: dict[str, Property]
    extends: str | None = None
    abstract: bool = False
    role_zh: str | None = None
    lineage: tuple[str, ...] = ()
    properties: dict[str, Property] = field(default_factory=dict)
    colour: str | None = None
    rdf: str | None = None
    identity: tuple[tuple[str, ...], ...] = ()  # what identifies a node given without its id, best first
    card: tuple[str, ...] = ()  # the columns it shows as a row in another node's lists
    named_by: tuple[str, ...] = ()  # what names a node a roster gives without a name


@dataclass(frozen=True)
class RelationshipType:
    name: str
    zh: str
    from_labels: tuple[str, ...]
    to_labels: tuple[str, ...]
    properties: dict[str, Property]
    key: tuple[str, ...] = ()
    kind: str = "tie"
    rdf: str | None = None

    @property
    def shown(self) -> tuple[str, ...]:
        """The properties a network answer (ego, common) carries for this relationship."""
        return tuple(name for name, p in self.properties.items() if p.shown)


@dataclass(frozen=True, eq=False)
class Template:
    name: str
    zh: str
    label: str | None = None
    roles: dict | None = None
    relationship: str | None = None
    columns: dict[str, dict] = field(default_factory=dict)
    links: dict[str, dict] = field(default_factory=dict)  # columns that name other nodes: a relationship each


@dataclass(frozen=True)
class Places:
    """Where nodes are (town-scoped tokens): ``label`` nodes are the places, a node is ``located``
    in one, a place lies ``within`` another, a label without a place is where its ``through`` end is."""

    label: str
    located: str
    within: str
    through: dict[str, str] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, eq=False)
class Ontology:
    labels: dict[str, Label]
    relationships: dict[str, RelationshipType]
    templates: dict[str, Template]
    rdf_prefixes: dict[str, str] = field(default_factory=dict)
    places: Places | None = None

    @property
    def concrete_labels(self) -> list[str]:
        return [name for name, label in self.labels.items() if not label.abstract]

    @property
    def kinds(self) -> list[str]:
        """The labels every node carries exactly one of (Person, Base…): those right under the root."""
        return [name for name, label in self.labels.items() if label.extends == ROOT_LABEL]

    def kind(self, labels) -> str:
        """A node's most specific label (the last in declaration order): its colour and legend entry.

        >>> load().kind(["Person", "Liaison", "Member"])
        'Liaison'
        """
        order = list(self.labels)
        return max(labels, key=order.index)

    def relationship_types(self, *kinds: str) -> list[str]:
        """Relationship types of these kinds (``tie``, ``event``, ``structural``), in declaration order."""
        return [name for name, rel in self.relationships.items() if rel.kind in kinds]

    @cached_property
    def _relationship_names(self) -> dict[str, RelationshipType]:
        names = {r.zh: r for r in self.relationships.values()}
        return names | {r.name: r for r in self.relationships.values()}

    def relationship(self, name: str) -> RelationshipType | None:
        """Find a relationship type by its English or Chinese name."""
        name = name.strip()
        return self._relationship_names.get(name.upper()) or self._relationship_names.get(name)

    def accepts(self, rel: RelationshipType, from_labels, to_labels) -> bool:
        """Whether nodes carrying these labels may be joined by ``rel``."""
        return bool(set(rel.from_labels) & set(from_labels)) and bool(set(rel.to_labels) & set(to_labels))

    def place_properties(self) -> dict[str, str]:
        """Labels that name their place in a property (a town's name), with that property.

        >>> load().place_properties()["Person"]
        'region'
        """
        located = self.places.located if self.places else None
        return {
            label.name: prop.name
            for label in self.labels.values()
            for prop in label.own.values()
            if located and prop.link == located
        }

    def sensitive_properties(self) -> dict[str, Property]:
        """Personal information, by property name, over every label and relationship type."""
        declared = [p for label in self.labels.values() for p in label.own.values()]
        declared += [p for rel in self.relationships.values() for p in rel.properties.values()]
        return {p.name: p for p in declared if p.sensitive}

    def indexed_properties(self) -> list[tuple[str, str]]:
        """(label, property) pairs that deserve a database index."""
        return [(lab.name, p.name) for lab in self.labels.values() for p in lab.own.values() if p.index]


def _property(name: str, spec: dict, where: str) -> Property:
    if not isinstance(spec, dict) or "type" not in spec or "zh" not in spec:
        raise OntologyError(f"{where}.{name}: a property needs `type` and `zh`")
    if spec["type"] not in VALUE_TYPES:
        raise OntologyError(f"{where}.{name}: unknown value type {spec['type']!r}")
    if spec["type"] == "enum" and not spec.get("values"):
        raise OntologyError(f"{where}.{name}: an enum needs `values`")
    values, aliases = _vocabulary(spec.get("values"), f"{where}.{name}")
    return Property(
        name=name,
        type=spec["type"],
        zh=spec["zh"],
        required=bool(spec.get("required", False)),
        sensitive=bool(spec.get("sensitive", False)),
        index=bool(spec.get("index", False)),
        derived=bool(spec.get("derived", False)),
        values=values,
        aliases=aliases,
        link=spec.get("link"),
        column=spec.get("column"),
        shown=bool(spec.get("shown", True)),
        rdf=spec.get("rdf"),
        open=bool(spec.get("open", False)),
        headers=tuple(spec.get("headers") or ()),
        otherwise=spec.get("otherwise"),
    )


def _vocabulary(raw, where: str) -> tuple[tuple[str, ...], dict[str, str]]:
    """``values`` as a list, or as a mapping of each value to the other words rosters use for it."""
    if raw is None:
        return (), {}
    if isinstance(raw, list):
        return tuple(raw), {}
    aliases: dict[str, str] = {}
    for value, others in raw.items():
        for other in others or ():
            word = fold_word(other)
            if aliases.get(word, value) != value or word in map(fold_word, raw):
                raise OntologyError(f"{where}.values: alias {other!r} is ambiguous")
            aliases[word] = value
    return tuple(raw), aliases


def _properties(specs: dict | None, where: str) -> dict[str, Property]:
    return {name: _property(name, spec, where) for name, spec in (specs or {}).items()}


def _lineage(name: str, raw: dict) -> tuple[str, ...]:
    chain: list[str] = []
    current: str | None = name
    while current is not None:
        if current in chain:
            raise OntologyError(f"labels.{name}: `extends` forms a cycle through {current}")
        if current not in raw:
            raise OntologyError(f"labels.{chain[-1]}: extends unknown label {current!r}")
        chain.append(current)
        current = raw[current].get("extends")
    if chain[-1] != ROOT_LABEL:
        raise OntologyError(f"labels.{name}: every label must extend {ROOT_LABEL}")
    return tuple(chain)


def _known(raw, properties: dict[str, Property], where: str) -> tuple[str, ...]:
    names = tuple(raw or ())
    unknown = [name for name in names if name not in properties]
    if unknown:
        raise OntologyError(f"{where}: unknown properties {unknown}")
    return names


def _identity(raw, properties: dict[str, Property], where: str) -> tuple[tuple[str, ...], ...]:
    keys = tuple(tuple(key) for key in raw or ())
    unknown = sorted({name for key in keys for name in key} - set(properties))
    if unknown:
        raise OntologyError(f"{where}.identity: unknown properties {unknown}")
    return keys


def _labels(raw: dict) -> dict[str, Label]:
    labels = {}
    for name, spec in raw.items():
        lineage = _lineage(name, raw)
        merged: dict[str, Property] = {}
        for ancestor in reversed(lineage):
            merged.update(_properties(raw[ancestor].get("properties"), f"labels.{ancestor}"))
        abstract = bool(spec.get("abstract", False))
        if not abstract and not _COLOUR.fullmatch(str(spec.get("colour", ""))):
            raise OntologyError(f"labels.{name}: a label needs `colour` as #rrggbb")
        labels[name] = Label(
            name=name,
            zh=spec["zh"],
            own=_properties(spec.get("properties"), f"labels.{name}"),
            extends=spec.get("extends"),
            abstract=abstract,
            role_zh=spec.get("role_zh"),
            lineage=lineage,
            properties=merged,
            colour=spec.get("colour"),
            rdf=spec.get("rdf"),
            identity=_identity(spec.get("identity"), merged, f"labels.{name}"),
            card=_known(spec.get("card"), merged, f"labels.{name}.card"),
            named_by=_known(spec.get("named_by"), merged, f"labels.{name}.named_by"),
        )
    return labels


def _relationships(raw: dict, labels: dict[str, Label]) -> dict[str, RelationshipType]:
    rels = {}
    for name, spec in raw.items():
        where = f"relationships.{name}"
        for end in ("from", "to"):
            unknown = [lab for lab in spec.get(end, []) if lab not in labels]
            if unknown or not spec.get(end):
                raise OntologyError(f"{where}.{end}: unknown or missing labels {unknown}")
        props = _properties(spec.get("properties"), where)
        clash = set(props) & set(RELATIONSHIP_PROVENANCE)
        if clash:
            raise OntologyError(f"{where}: reserved property names {sorted(clash)}")
        key = tuple(spec.get("key", ()))
        if set(key) - set(props):
            raise OntologyError(f"{where}.key: names properties it does not have")
        kind = spec.get("kind", "tie")
        if kind not in RELATIONSHIP_KINDS:
            raise OntologyError(f"{where}.kind: {kind!r} is none of {', '.join(RELATIONSHIP_KINDS)}")
        rels[name] = RelationshipType(
            name, spec["zh"], tuple(spec["from"]), tuple(spec["to"]), props, key, kind, spec.get("rdf")
        )
    return rels


def _check_links(labels: dict[str, Label], rels: dict[str, RelationshipType]) -> None:
    for label in labels.values():
        for prop in label.own.values():
            if prop.otherwise is not None and prop.otherwise not in label.properties:
                raise OntologyError(
                    f"labels.{label.name}.{prop.name}: otherwise {prop.otherwise!r} is not its property"
                )
            if prop.link is None:
                continue
            rel = rels.get(prop.link)
            if rel is None or not set(label.lineage) & set(rel.from_labels):
                raise OntologyError(f"labels.{label.name}.{prop.name}: link {prop.link!r} cannot start at {label.name}")


def _check_employer_link(where: str, link: dict, rel: RelationshipType, labels: dict[str, Label]) -> None:
    """A link that makes the node it names (``create``) must make one its relationship can reach,
    and its ``position`` and ``instead`` must name properties that exist."""
    if "create" in link and link["create"] not in rel.to_labels:
        raise OntologyError(f"{where}.create: {rel.name} cannot end at {link['create']!r}")
    if "position" in link and link["position"] not in rel.properties:
        raise OntologyError(f"{where}.position: {rel.name} has no property {link['position']!r}")
    if "row_position" in link and not any(link["row_position"] in labels[f].properties for f in rel.from_labels):
        raise OntologyError(f"{where}.row_position: no {'/'.join(rel.from_labels)} property {link['row_position']!r}")
    for label, props in (link.get("instead") or {}).items():
        for prop in props.values():
            if label not in labels or prop not in labels[label].properties:
                raise OntologyError(f"{where}.instead: {label}.{prop} is not a property")


def _check_rdf_terms(labels: dict[str, Label], rels: dict[str, RelationshipType], prefixes: dict) -> None:
    declared = [(f"labels.{lab.name}", lab.rdf) for lab in labels.values()]
    declared += [(f"labels.{lab.name}.{p.name}", p.rdf) for lab in labels.values() for p in lab.own.values()]
    declared += [(f"relationships.{r.name}", r.rdf) for r in rels.values()]
    for where, term in declared:
        if term is not None and term.partition(":")[0] not in prefixes:
            raise OntologyError(f"{where}.rdf: {term!r} uses a prefix not in `rdf_prefixes`")


def _templates(raw: dict, labels: dict[str, Label], rels) -> dict[str, Template]:
    templates = {}
    for name, spec in raw.items():
        where = f"templates.{name}"
        label, roles, rel = spec.get("label"), spec.get("roles"), spec.get("relationship")
        if label is not None and label not in labels:
            raise OntologyError(f"{where}: unknown label {label!r}")
        for role in (roles or {}).get("labels", []):
            if role not in labels or label not in labels[role].lineage:
                raise OntologyError(f"{where}.roles: {role!r} does not extend {label}")
        if rel is not None and rel not in rels:
            raise OntologyError(f"{where}: unknown relationship {rel!r}")
        if label is None and not spec.get("columns"):
            raise OntologyError(f"{where}: a template needs a label or columns")
        links = spec.get("links") or {}
        for column, link in links.items():
            link_rel = rels.get(link.get("relationship"))
            ends = () if link_rel is None else link_rel.to_labels if link.get("reverse") else link_rel.from_labels
            if label is None or not set(labels[label].lineage) & set(ends):
                raise OntologyError(f"{where}.links.{column}: {link.get('relationship')!r} cannot join a {label}")
            _check_employer_link(f"{where}.links.{column}", link, link_rel, labels)
        templates[name] = Template(name, spec["zh"], label, roles, rel, spec.get("columns") or {}, links)
    return templates


def parse(document: dict) -> Ontology:
    """Build an :class:`Ontology` from the parsed YAML, checking every reference."""
    if not isinstance(document, dict) or not {"labels", "relationships"} <= set(document):
        raise OntologyError("the ontology needs `labels` and `relationships`")
    if ROOT_LABEL not in document["labels"]:
        raise OntologyError(f"the ontology needs the root label {ROOT_LABEL}")
    labels = _labels(document["labels"])
    rels = _relationships(document["relationships"], labels)
    _check_links(labels, rels)
    prefixes = dict(document.get("rdf_prefixes") or {})
    _check_rdf_terms(labels, rels, prefixes)
    templates = _templates(document.get("templates") or {}, labels, rels)
    return Ontology(labels, rels, templates, prefixes, _places(document.get("places"), labels, rels))


def _places(raw: dict | None, labels: dict[str, Label], rels: dict[str, RelationshipType]) -> Places | None:
    if raw is None:
        return None
    places = Places(raw.get("label"), raw.get("located"), raw.get("within"), dict(raw.get("through") or {}))
    if places.label not in labels:
        raise OntologyError(f"places.label: unknown label {places.label!r}")
    for name, rel in (("located", places.located), ("within", places.within)):
        if rel not in rels or places.label not in rels[rel].to_labels:
            raise OntologyError(f"places.{name}: {rel!r} is not a relationship to {places.label}")
    for label, rel in places.through.items():
        if label not in labels or rel not in rels or label not in rels[rel].from_labels:
            raise OntologyError(f"places.through.{label}: {rel!r} does not start at {label}")
    return places


def describe(onto: Ontology) -> dict:
    """The ontology as plain JSON for the API and the page."""

    def props(properties: dict[str, Property]) -> dict:
        return {
            p.name: {
                "type": p.type,
                "zh": p.zh,
                "required": p.required,
                "sensitive": p.sensitive,
                "shown": p.shown,
                "values": list(p.values),
                "open": p.open,
            }
            for p in properties.values()
        }

    return {
        "labels": {
            lab.name: {
                "zh": lab.zh,
                "extends": lab.extends,
                "abstract": lab.abstract,
                "colour": lab.colour,
                "card": list(lab.card),
                "properties": props(lab.properties),
            }
            for lab in onto.labels.values()
        },
        "relationships": {
            r.name: {
                "zh": r.zh,
                "from": list(r.from_labels),
                "to": list(r.to_labels),
                "kind": r.kind,
                "properties": props(r.properties),
            }
            for r in onto.relationships.values()
        },
    }


def load(path: Path | None = None) -> Ontology:
    """The ontology of ``path`` (default :data:`ONTOLOGY_FILE`), loaded and checked once per process."""
    return _load(path or ONTOLOGY_FILE)


@cache
def _load(path: Path) -> Ontology:
    with open(path, encoding="utf-8") as handle:
        return parse(yaml.safe_load(handle))
