"""Bigram text for generated documents and scholarship, from the received texts."""

import re
from collections import defaultdict

TOKEN = re.compile(r"[^\s\[\]=*•:]+")


class TextModel:
    """Bigram text from the received English and Romanian texts: realistic word frequencies
    (so that common words are common) without copying whole sentences."""

    def __init__(self, rng, sources):
        self.rng = rng
        self.chains = {}
        for language, text in sources.items():
            tokens = [t for t in TOKEN.findall(text) if not t.startswith(("-", "("))]
            chain = defaultdict(list)
            starts = []
            for previous, current in zip(tokens, tokens[1:], strict=False):
                chain[previous].append(current)
                if previous.endswith(".") and current[:1].isupper():
                    starts.append(current)
            self.chains[language] = (dict(chain), starts or tokens[:1])

    def sentence(self, language="en", low=6, high=30):
        chain, starts = self.chains[language]
        rng = self.rng
        word = rng.choice(starts)
        words = [word]
        limit = rng.randint(low, high)
        while len(words) < limit or not word.endswith("."):
            following = chain.get(word)
            if not following or len(words) >= high + 10:
                break
            word = rng.choice(following)
            words.append(word)
        text = " ".join(words).rstrip(",;")
        text = text[0].upper() + text[1:]
        return text if text.endswith(".") else text + "."

    def paragraph(self, language="en", sentences=(1, 4)):
        return " ".join(self.sentence(language) for _ in range(self.rng.randint(*sentences)))

    def pooled(self, language="en", sentences=(1, 3), pool_size=50_000):
        """Like :meth:`paragraph`, from a pool of sentences made once (a million annotation
        bodies would otherwise take minutes to write word by word)."""
        pools = self.__dict__.setdefault("pools", {})
        if language not in pools:
            pools[language] = [self.sentence(language) for _ in range(pool_size)]
        pool = pools[language]
        rng = self.rng
        return " ".join(pool[int(rng.random() * len(pool))] for _ in range(rng.randint(*sentences)))

    def title(self, language="en"):
        words = self.sentence(language, 3, 7).rstrip(".").split()[:7]
        return " ".join(words).strip(",;") or "Untitled"


def read_sources():
    from archive.importers.manifest import load_manifest, manifest_path

    directory = manifest_path().parent
    return {
        entry["language"]: (directory / entry["file"]).read_text(encoding="utf-8")
        for entry in load_manifest()
    }


def document_text(model, rng, language, passages):
    """A received text in the importer's format: a lead, then sections of paragraphs."""
    lines = []
    lead = max(1, min(3, passages // 10))
    for _ in range(lead):
        lines += [model.paragraph(language), ""]
    remaining = passages - lead
    section = 0
    while remaining > 0:
        section += 1
        lines += [f"== {model.title(language)} {section} ==", ""]
        for _ in range(min(remaining, rng.randint(4, 12))):
            lines += [model.paragraph(language), ""]
            remaining -= 1
    return "\n".join(lines) + "\n"
