"""Annotations, disputed-claim flags and cross-references (coming with the annotation layer)."""
