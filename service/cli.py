"""The `citeqa` command: one entry point for every part of citeqa."""

import typer

from index.cli import app as index_app

app = typer.Typer(
    help="citeqa: answers from your documents, with citations you can check.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(index_app, name="index")


@app.callback()
def main() -> None:
    """citeqa: answers from your documents, with citations you can check."""
