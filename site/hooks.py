"""MkDocs hooks: a few lines each, all logic lives in `sitegen.mkdocs_glue`."""

from sitegen import mkdocs_glue


def on_files(files, config):
    return mkdocs_glue.add_generated_pages(files, config)


def on_page_content(html, page, config, files):
    return mkdocs_glue.fill_page(html, page)


def on_post_build(config):
    mkdocs_glue.write_search_index(config)
