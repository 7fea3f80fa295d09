"""The demo data set: the seed article and what a careful editor records from it.

``records.py`` holds the records as plain data, ``seed_article.txt`` the article's text, and
``loader.py`` writes them to the database (``manage.py load_demo``).
"""
