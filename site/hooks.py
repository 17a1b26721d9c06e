"""MkDocs hooks: a few lines each, all logic lives in `sitegen.mkdocs_glue`."""

from sitegen import mkdocs_glue


def on_config(config):
    return mkdocs_glue.configure(config)


def on_files(files, config):
    return mkdocs_glue.add_generated_pages(files, config)


def on_env(env, config, files):
    return mkdocs_glue.prepare_theme(env, config)


def on_page_context(context, page, config, nav):
    mkdocs_glue.prepare_page(page)
    return context


def on_post_page(output, page, config):
    mkdocs_glue.release_page(page)
    return output


def on_post_build(config):
    mkdocs_glue.write_search_index(config)
