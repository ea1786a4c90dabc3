"""Deleting a collection through the real app (SQLite and PostgreSQL): only its owner,
only by POST with the CSRF token and the confirming button; its items go with it, its
page and feeds answer 404 afterwards, and hostile ids get a clear 4xx."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from sqlalchemy import text

from paperwire.store.collections import add_item, create_collection
from paperwire.store.users import ensure_user

from .conftest import csrf, make_client, sign_in

PAPER, OTHER = "2502.00003", "2502.00004"
HOSTILE_NAME = '<script>alert("x")</script> & "quotes"'


def _collection(client, name: str = "Reading list", public: bool = True) -> str:  # noqa: ANN001
    """A collection of two papers made through the forms; its page's path."""
    made = client.post("/collections", data={"csrf": csrf(client, f"/papers/{PAPER}"),
                                              "name": name, "paper": PAPER},
                       follow_redirects=False)
    path = made.headers["location"]
    client.post(f"{path}/items", data={"csrf": csrf(client, path), "paper": OTHER})
    if public:
        client.post(f"{path}/visibility", data={"csrf": csrf(client, path), "public": "true"})
    return path


def _owners_collection(owner, data_dir) -> tuple[str, str]:  # noqa: ANN001
    """The owner signed in with one collection of two papers: its path and number."""
    sign_in(owner, data_dir, "owner@example.org")
    path = _collection(owner)
    return path, path.rsplit("/", 1)[1]


def _delete(client, path: str, token: str | None = None, **form):  # noqa: ANN001, ANN003, ANN202
    data = {"csrf": token if token is not None else csrf(client, "/account"),
            "confirm": "yes", **form}
    return client.post(f"{path}/delete", data=data, follow_redirects=False)


def _rows(db, number: str) -> tuple[int, int]:  # noqa: ANN001
    """(collections, items) stored under that id."""
    with db.read() as connection:
        params = {"id": int(number)}
        return (connection.execute(text("SELECT COUNT(*) FROM collections WHERE id = :id"),
                                   params).scalar_one(),
                connection.execute(text("SELECT COUNT(*) FROM collection_items "
                                        "WHERE collection_id = :id"), params).scalar_one())


def test_the_owner_deletes_a_collection_and_its_items(community_db, data_dir) -> None:  # noqa: ANN001
    with make_client(community_db, data_dir) as owner, \
            make_client(community_db, data_dir) as reader:
        path, number = _owners_collection(owner, data_dir)
        page = owner.get(path).text
        assert f'action="{path}/delete"' in page and 'name="confirm" value="yes"' in page
        assert reader.get(f"/feeds/collection/{number}.json").status_code == 200
        assert _rows(community_db, number) == (1, 2)

        done = _delete(owner, path, csrf(owner, path))
        assert done.status_code == 303 and done.headers["location"] == "/account#collections"

        assert _rows(community_db, number) == (0, 0)  # no orphaned items
        assert "Reading list" not in owner.get("/account").text
        assert "Reading list" not in owner.get(f"/papers/{PAPER}").text
        for client in (owner, reader):
            gone = client.get(path)
            assert gone.status_code == 404 and "There is no such collection" in gone.text
            for fmt in ("xml", "atom", "json"):
                assert client.get(f"/feeds/collection/{number}.{fmt}").status_code == 404
        assert owner.get(f"/papers/{PAPER}").status_code == 200  # the papers stay
        again = _delete(owner, path)
        assert again.status_code == 404 and "There is no such collection" in again.text


def test_nobody_else_can_delete_it(community_db, data_dir) -> None:  # noqa: ANN001
    with make_client(community_db, data_dir) as owner, \
            make_client(community_db, data_dir) as stranger, \
            make_client(community_db, data_dir) as anonymous:
        sign_in(owner, data_dir, "owner@example.org")
        sign_in(stranger, data_dir, "stranger@example.org")
        public, private = _collection(owner, "Public"), _collection(owner, "Mine", False)
        for path in (public, private):
            assert _delete(stranger, path).status_code == 403
            assert _delete(anonymous, path, csrf(anonymous, "/signin")).status_code == 403
            assert _rows(community_db, path.rsplit("/", 1)[1]) == (1, 2)
        seen = stranger.get(public).text  # no delete form for others
        assert f"{public}/delete" not in seen and "Delete collection" not in seen


def test_no_token_or_no_confirmation_deletes_nothing(community_db, data_dir) -> None:  # noqa: ANN001
    with make_client(community_db, data_dir) as owner, \
            make_client(community_db, data_dir) as other:
        path, number = _owners_collection(owner, data_dir)
        assert owner.post(f"{path}/delete", data={"confirm": "yes"}).status_code == 403
        assert _delete(owner, path, "forged").status_code == 403
        assert _delete(owner, path, csrf(other, "/signin")).status_code == 403  # another's
        assert owner.get(f"{path}/delete").status_code == 405  # a GET never deletes
        unconfirmed = owner.post(f"{path}/delete", data={"csrf": csrf(owner, path)})
        assert unconfirmed.status_code == 422 and "confirm" in unconfirmed.text
        assert _delete(owner, path, confirm="no").status_code == 422
        assert _rows(community_db, number) == (1, 2)
        assert owner.get(path).status_code == 200


@pytest.mark.parametrize("bad", [
    "0", "-1", "999999", "2147483648", "99999999999999999999", "abc", "1.5", "1e3",
    "1 OR 1=1", "1; DROP TABLE collections; --", "' OR '1'='1", "<script>",
])
def test_hostile_ids_get_a_clear_answer(community_db, data_dir, bad: str) -> None:  # noqa: ANN001
    with make_client(community_db, data_dir) as owner:
        sign_in(owner, data_dir, "owner@example.org")
        path = _collection(owner)
        answer = _delete(owner, "/collections/" + quote(bad, safe=""))
        assert answer.status_code in (404, 422), answer.text
        assert "<script>" not in answer.text.split("</head>")[1]
        expected = ("There is no such collection" if answer.status_code == 404
                    else "bad parameter")
        assert expected in answer.text
        assert _rows(community_db, path.rsplit("/", 1)[1]) == (1, 2)


def test_rendered_names_are_escaped(community_db, data_dir) -> None:  # noqa: ANN001
    with make_client(community_db, data_dir) as owner:
        sign_in(owner, data_dir, "owner@example.org")
        page = owner.get(_collection(owner, HOSTILE_NAME)).text
        assert "<script>alert" not in page
        assert "Delete “&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#34;quotes&#34;”" \
            in page


def test_the_schema_cascades_too(community_db) -> None:  # noqa: ANN001
    """Even a bare DELETE of the collection row leaves no items (foreign keys on)."""
    with community_db.write() as connection:
        user = ensure_user(connection, "owner@example.org", "2025-01-01T00:00:00Z")
        collection = create_collection(connection, user.id, "Bare", False, "2025-01-01")
        add_item(connection, collection.id, PAPER, "2025-01-01")
        connection.execute(text("DELETE FROM collections WHERE id = :id"),
                           {"id": collection.id})
    assert _rows(community_db, str(collection.id)) == (0, 0)
