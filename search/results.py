"""What a search returns: ranked references to hits, and the hits of a page as it shows them."""

from dataclasses import dataclass, field

#: The kinds of hit, in the order they are listed when their scores are equal.
KINDS = ("passage", "annotation", "flag", "reference")
KIND_LABELS = {
    "passage": "Passage",
    "annotation": "Annotation",
    "flag": "Disputed claim",
    "reference": "Reference",
}
KIND_PLURALS = {
    "passage": "passages",
    "annotation": "annotations",
    "flag": "disputed claims",
    "reference": "references",
}


@dataclass(frozen=True)
class HitRef:
    """A ranked hit before its record is loaded."""

    kind: str
    pk: object
    score: float


@dataclass
class Hit:
    """One result as a page shows it."""

    kind: str
    record: object
    score: float
    url: str
    title: str
    snippet: list
    #: Language of the snippet's text when known (passages: their document's).
    lang: str = ""
    document: object = None
    passage: object = None
    #: For references: the documents that list them.
    documents: list = field(default_factory=list)

    @property
    def kind_label(self):
        return KIND_LABELS[self.kind]


class SearchResults:
    """The ranked hits of a search: sized and sliceable, so a Paginator can page them.

    Slicing loads the records of just that slice, in one query per kind.
    """

    def __init__(self, backend, query, refs=(), capped=(), reading=None):
        self.backend = backend
        #: What was searched (place names widened, corrections made).
        self.query = query
        #: How the reader's query was read (search.spelling.Reading), when it was searched.
        self.reading = reading
        self.refs = list(refs)
        #: Kinds that had more than MAX_RESULTS_PER_KIND hits (only the best are listed).
        self.capped = list(capped)

    def __len__(self):
        return len(self.refs)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self.backend.load(self.refs[index], self.query)
        return self.backend.load([self.refs[index]], self.query)[0]

    def __iter__(self):
        return iter(self[:])

    def counts(self):
        counts = dict.fromkeys(KINDS, 0)
        for ref in self.refs:
            counts[ref.kind] += 1
        return counts
