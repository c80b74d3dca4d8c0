"""SQLite rows and their generation visibility, on a real database file."""

import datetime as dt

import pytest

from index.database import Database
from index.models import Document, TextSpan


@pytest.fixture
def database(tmp_path):
    opened = Database(tmp_path / "citeqa.sqlite")
    yield opened
    opened.close()


def document(doc_id: str, text: str = "One. Two.", **fields) -> Document:
    return Document(id=doc_id, title=doc_id.upper(), text=text, **fields)


def spans(text: str) -> list[TextSpan]:
    middle = text.index(" ") + 1
    return [
        TextSpan(start=0, end=middle - 1, text=text[: middle - 1]),
        TextSpan(start=middle, end=len(text), text=text[middle:]),
    ]


def insert(database: Database, doc: Document, gen: int) -> list[int]:
    with database.transaction() as connection:
        return database.insert_document(connection, doc, "origin", spans(doc.text), gen)


def test_rows_are_visible_from_the_generation_that_added_them(database):
    chunk_ids = insert(database, document("a", date=dt.date(2024, 1, 2)), gen=1)
    assert database.get_document("a", 0) is None
    stored = database.get_document("a", 1)
    assert stored.date == dt.date(2024, 1, 2) and stored.title == "A"
    assert [c.text for c in database.get_chunks(chunk_ids, 1)] == ["One.", "Two."]
    assert database.count(1) == (1, 2)


def test_removed_rows_stay_visible_to_older_generations(database):
    insert(database, document("a"), gen=1)
    stored = database.find_document("a", 1)
    with database.transaction() as connection:
        database.remove_document(connection, stored, gen=2)
    assert database.get_document("a", 1) is not None
    assert database.get_document("a", 2) is None
    assert database.live_document_ids(1) == ["a"] and database.live_document_ids(2) == []


def test_a_row_removed_by_the_generation_that_added_it_is_deleted(database):
    insert(database, document("a"), gen=1)
    with database.transaction() as connection:
        database.remove_document(connection, database.find_document("a", 1), gen=1)
    assert database.count(1) == (0, 0)
    assert list(database.iter_chunk_texts(1)) == []


def test_roll_back_after_undoes_an_unpublished_generation(database):
    insert(database, document("a"), gen=1)
    with database.transaction() as connection:
        database.remove_document(connection, database.find_document("a", 2), gen=2)
        database.insert_document(
            connection, document("a", "New. Text."), None, spans("New. Text."), 2
        )
    database.roll_back_after(1)
    assert database.get_document("a", 2).text == "One. Two."
    assert database.count(5) == (1, 2)


def test_purge_removed_deletes_only_rows_no_kept_generation_sees(database):
    insert(database, document("a"), gen=1)
    insert(database, document("b"), gen=1)
    with database.transaction() as connection:
        database.remove_document(connection, database.find_document("a", 1), gen=2)
    database.purge_removed(1)
    assert database.get_document("a", 1) is not None  # removed at 2: gen 1 may still read it
    database.purge_removed(2)
    assert database.get_document("a", 1) is None
    assert database.get_document("b", 2) is not None


def test_a_failed_transaction_leaves_nothing(database):
    with pytest.raises(RuntimeError), database.transaction() as connection:
        database.insert_document(connection, document("a"), None, spans("One. Two."), 1)
        raise RuntimeError("stop")
    assert database.count(1) == (0, 0)


def test_only_one_live_row_per_id(database):
    insert(database, document("a"), gen=1)
    with pytest.raises(Exception, match="UNIQUE"):
        insert(database, document("a", "Other. Text."), gen=2)


def test_list_documents_is_newest_first_with_undated_last_and_paged(database):
    insert(database, document("old", date=dt.date(2020, 1, 1)), gen=1)
    insert(database, document("new", date=dt.date(2024, 1, 1)), gen=1)
    insert(database, document("undated"), gen=1)
    assert [d.id for d in database.list_documents(1)] == ["new", "old", "undated"]
    assert [d.id for d in database.list_documents(1, limit=1, offset=1)] == ["old"]
