"""The search's one table: the distinct words of the searched text (PostgreSQL only)."""

from django.db import models


class Word(models.Model):
    """A distinct word of the searched text, folded (``search_fold``), with its language.

    The table is PostgreSQL's alone (search/migrations/0003_words.py, hence ``managed =
    False``): triggers on the four searched tables add the words of every row written,
    whatever writes it (the services, the importer, a bulk load), so it is always current
    without any code on the write path. Words are never removed when a record is; a
    correction to a word no longer in the archive finds nothing, and the search then keeps
    the reader's own words (``search.spelling``).

    ``language`` is the document's for a passage's words (``en``, ``ro``) and empty for the
    scholars' text and the references, whose language is not recorded.
    """

    word = models.TextField()
    language = models.CharField(max_length=8, blank=True)

    class Meta:
        managed = False
        db_table = "search_word"

    def __str__(self):
        return self.word
