import os
import sys, json, zstandard
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..")); sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "bench"))
from extract_fallback import unlabelled_pages, as_page
from corpus.html_extract import HtmlExtractor, ExtractConfig, plain_text, choose_encoding
from resiliparse.parse.html import HTMLTree
from resiliparse.parse.encoding import bytes_to_str
pages = unlabelled_pages()
ex = HtmlExtractor(ExtractConfig())
n = 0
for group, body in pages:
    r = ex(as_page(body))
    if getattr(r, "annotations", {}).get("extract_path") == "whole_page":
        html = bytes_to_str(body, choose_encoding(body, None)); t = HTMLTree.parse(html)
        main = plain_text(t, True).strip(); whole = plain_text(t, False).strip()
        if main:
            n += 1
            print(f"--- {group} main={len(main)} whole={len(whole)} ratio={len(main)/len(whole):.3f}")
            print("MAIN:", main[:300].replace("\n", " | "))
            print("WHOLE:", whole[:300].replace("\n", " | "))
print("nonempty-main fallbacks:", n)
