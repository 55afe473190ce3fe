"""“Cite this” blocks and export links for the reading, reference and annotation pages."""

from django import template
from django.urls import reverse

from exports import citations
from exports.oai import record_identifier

register = template.Library()


@register.inclusion_tag("exports/_cite_document.html", takes_context=True)
def cite_document(context, document):
    request = context["request"]
    url = request.build_absolute_uri(document.get_absolute_url())
    oai = reverse("exports:oai")
    identifier = record_identifier(document.catalogue_id)
    return {
        "document": document,
        "plain": citations.document_plain(document, url),
        "bibtex": citations.document_bibtex(document, url),
        "oai_record": f"{oai}?verb=GetRecord&metadataPrefix=oai_dc&identifier={identifier}",
    }


@register.inclusion_tag("exports/_cite_annotation.html", takes_context=True)
def cite_annotation(context, annotation):
    request = context["request"]
    url = request.build_absolute_uri(annotation.get_absolute_url())
    return {
        "annotation": annotation,
        "url": url,
        "plain": citations.annotation_plain(annotation, url),
    }


@register.inclusion_tag("exports/_reference_exports.html")
def reference_exports(reference):
    return {"reference": reference}


@register.inclusion_tag("exports/_list_exports.html", takes_context=True)
def reference_list_exports(context):
    """Download links for the references list, keeping its filters (not its page)."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    return {"query": query.urlencode()}
