"""Rule sets (issue 18, part 1): the measures' rules as data, in named versions.

models.py holds the versions and their rules, selectors.py decides which version judges a
year (and is what supervision/rules.py reads), services.py writes (copy, edit, publish,
re-judge, import), views.py / forms.py / urls.py are the office staff's pages.
"""
