"""KCR answer shapes: stored namespaces, repositories and tags -> the documented API dicts (Public and
RepoCount derived when read), and the paged answer.  State: models.py.
"""
from ..core import paginate
from .models import _public


def _ns_view(store, ns):
    out = _public(ns)
    out["RepoCount"] = store.count("kcr_repo", parent=ns["Namespace"])
    out.setdefault("ChartCount", 0)
    return {k: out[k] for k in ("Namespace", "Public", "RepoCount", "ChartCount", "CreateTime")}


def _repo_view(store, repo):
    out = _public(repo)
    ns = store.get("kcr_namespace", repo["RepoName"].split("/", 1)[0])
    if ns is not None:
        out["Public"] = bool(ns["Public"])
    return {k: out[k] for k in ("RepoName", "Public", "FavorCount", "PullCount", "Description", "CreateTime")}


def _page_response(key, items, marker, max_results):
    page, next_marker, total = paginate(items, marker, max_results)
    return {"Marker": next_marker, "MaxResults": max_results, "TotalCount": total, key: page}


# ------------------------------------------------------------------------------------------ tags

def _tag_view(tag):
    rec = _public(tag)
    return {k: rec[k] for k in ("RepoName", "TagName", "ImageId", "CreateTime", "SizeByte", "Author",
                                "DockerVersion", "Architecture", "Os")}
