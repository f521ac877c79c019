"""Visit planner output: the /visit/ page and its fields in the facility data chunks.

An output part: the generator calls write_visit_output with its SiteOutput.
The page is one static template; the browser fills it for the ids in the
address from the shared facility data chunks. Nothing the visitor types reaches the site;
only when the operator configured `inquiry_endpoint` can the visitor choose
to send a message there.
"""

from __future__ import annotations

from ..pages.output import EPOCH, SiteOutput
from .data import visit_fields

# What the 見学メモ asks each office, in order. The key lets the page put the
# site's own fact (or 不明) beside the question.
MEMO_QUESTIONS: tuple[dict, ...] = (
    {"key": "retention_rate", "text": "就職定着率はどう数えていますか。就職から何か月後に働いている人の割合で、いつからいつまでに就職した人が対象ですか。"},
    {"key": "programme", "text": "1日の流れと、どんなプログラムがありますか。通う時間と、週に何日から始められますか。"},
    {"key": "costs", "text": "利用料（自己負担）はいくらになりそうですか。ほかにかかる費用はありますか。交通費の支援はありますか。"},
    {"key": "lunch", "text": "昼食は出ますか。費用はかかりますか。"},
    {"key": "remote", "text": "在宅での訓練はできますか。どんなときに、週に何日までできますか。"},
    {"key": "retention", "text": "就職した後も、就労定着支援を受けられますか。同じ事業所が支援しますか、期間はどのくらいですか。"},
)


def visit_config(options: dict) -> dict:
    """The page's JSON block: the relay endpoint (if any), the privacy policy and the questions."""
    return {
        "inquiryEndpoint": options["inquiry_endpoint"] or "",
        "privacyPolicyUrl": options["privacy_policy_url"] or "",
        "questions": list(MEMO_QUESTIONS),
    }


def write_visit_output(site: SiteOutput) -> None:
    """Write /visit/; add the planner's fields to the data chunks."""
    catalog = site.catalog
    newest = max((f.updated for f in catalog.facilities), default=EPOCH)
    site.write_page(
        "visit/",
        "visit",
        newest,
        visit_config=visit_config(site.options),
        memo_questions=MEMO_QUESTIONS,
    )
    site.add_facility_fields(visit_fields)
