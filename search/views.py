from django.core.paginator import Paginator
from django.shortcuts import render

from councils.models import Council
from search.engine import KINDS, MAX_QUERY, search


def search_page(request):
    """/search/?q=words&kind=action&council=slug: results the person may open, ranked."""
    query = request.GET.get("q", "")[:MAX_QUERY].replace("\x00", "").strip()
    kind = request.GET.get("kind", "")
    kind = kind if kind in KINDS else ""
    councils = list(Council.objects.order_by("name"))
    council = next((c for c in councils if c.slug == request.GET.get("council")), None)
    hits = search(request.user, query, kinds=[kind] if kind else None, council=council)
    page = Paginator(hits, 20).get_page(request.GET.get("page"))
    context = {
        "query": query,
        "kind": kind,
        "kinds": [(name, k.label) for name, k in KINDS.items()],
        "councils": councils,
        "council": council,
        "page": page,
        "count": len(hits),
    }
    return render(request, "search/search.html", context)
