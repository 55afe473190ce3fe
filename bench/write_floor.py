"""The physical floor of a write (bench/perf_services.py): one bare ``INSERT`` of an annotation
row and its ``COMMIT``, on Django's connection, into the annotations' own table.

It pays what no code of ours can remove: the transaction's round trips, the row with its
stored search columns and every index of the table (the GIN search indexes included), and the
commit — with ``synchronous_commit`` on, the write-ahead log's fsync. The statement is written
out here, not built by the ORM, because it is the thing being measured against the ORM.
"""

import uuid

from django.db import connection, transaction

INSERT = """
    INSERT INTO annotations_annotation
        (id, passage_id, author_id, parent_id, body, motivation, visibility, status,
         moderation_note, deleted, version, exact, prefix, suffix, start, "end", created, modified,
         anchoring, written_on)
    VALUES (%s, %s, %s, NULL, %s, 'commenting', 'public', 'published',
            '', NULL, 1, %s, %s, '', 0, %s, now(), now(), 'written', 1)
"""


class FloorWriter:
    """Writes floor rows on ``passages`` (in turn) as ``user``; :meth:`remove` deletes them."""

    def __init__(self, user, passages):
        self.user = user
        self.passages = passages
        self.written = []

    def write(self):
        passage = self.passages[len(self.written) % len(self.passages)]
        pk = uuid.uuid4()
        end = min(12, len(passage.text))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                INSERT,
                (
                    pk,
                    passage.pk,
                    self.user.pk,
                    f"Benchmark note {len(self.written)}: the date differs from the Romanian text.",
                    passage.text[:end],
                    "",
                    end,
                ),
            )
        self.written.append(pk)

    def remove(self):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM annotations_annotation WHERE id = ANY(%s)", (list(self.written),)
            )
