from django.urls import path

from . import views

app_name = "exports"

document = "documents/<slug:slug>/"

urlpatterns = [
    # W3C Web Annotation
    path("annotations/<uuid:pk>.jsonld", views.annotation_jsonld, name="annotation-jsonld"),
    path("flags/<uuid:pk>.jsonld", views.flag_jsonld, name="flag-jsonld"),
    path("cross-references/<uuid:pk>.jsonld", views.crossref_jsonld, name="crossref-jsonld"),
    path(
        f"{document}annotations.jsonld",
        views.document_annotations,
        name="document-annotations",
    ),
    path(f"{document}annotations/", views.document_scholarship, name="document-scholarship"),
    # Citations
    path("references.json", views.references_csl, name="references-csl"),
    path("references.bib", views.references_bibtex, name="references-bibtex"),
    path("references/<str:catalogue_id>.json", views.reference_csl, name="reference-csl"),
    path("references/<str:catalogue_id>.bib", views.reference_bibtex, name="reference-bibtex"),
    path(
        f"{document}references.json",
        views.document_references_csl,
        name="document-references-csl",
    ),
    path(
        f"{document}references.bib",
        views.document_references_bibtex,
        name="document-references-bibtex",
    ),
    path(f"{document}cite.json", views.document_cite_csl, name="document-cite-csl"),
    path(f"{document}cite.bib", views.document_cite_bibtex, name="document-cite-bibtex"),
    # OAI-PMH
    path("oai/", views.oai_pmh, name="oai"),
    # Public JSON and its documentation
    path("api/", views.api_page, name="api"),
    path("documents.json", views.api_documents, name="api-documents"),
    path("documents/<slug:slug>.json", views.api_document, name="api-document"),
    # TEI P5
    path("documents/<slug:slug>.tei.xml", views.document_tei, name="document-tei"),
    path("links.json", views.api_links, name="api-links"),
    path("links/<str:catalogue_id>.json", views.api_link, name="api-link"),
]
