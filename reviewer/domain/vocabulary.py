"""Every code the tool stores or reports, with its Japanese label: one home for each word.

Codes are what files, the database and ``--json`` carry; labels are what people read on the
command line, in the terminal app and in the workbook. A face never spells a label itself.
"""

from __future__ import annotations

#: Applicant types (応募主体の種別), in the order of the criteria files.
APPLICANT_TYPE_LABELS: dict[str, str] = {
    "prefecture": "都道府県",
    "designated_city": "指定都市",
    "core_city": "中核市",
    "city": "市",
    "special_ward": "特別区",
    "town": "町",
    "village": "村",
    "association": "一部事務組合・広域連合",
    "corporation": "法人格を有する組織",
}

#: A corporation's governance with a related 都道府県又は市区町村 (r5 2(2): 「出資・包括連携協定・
#: コンソーシアム組成等によるガバナンス」).
GOVERNANCE_LABELS: dict[str, str] = {"investment": "出資", "agreement": "包括連携協定", "consortium": "コンソーシアム組成"}

#: A score sheet's status (None: no sheet yet).
SHEET_STATUS_LABELS: dict[str | None, str] = {None: "未着手", "draft": "下書き", "submitted": "提出済"}

#: Criterion kinds, as the items and the template name them.
CRITERION_KIND_LABELS: dict[str, str] = {"must": "必須", "scored": "加点", "auto": "自動加点"}

#: Must judgements.
MUST_LABELS: dict[str, str] = {"pass": "適合", "fail": "不適合"}
MUST_SHORT_LABELS: dict[str, str] = {"pass": "適", "fail": "否"}

#: Aggregation methods (SPEC §4) and their names.
METHODS: tuple[str, ...] = ("mean", "median", "trimmed", "zscore", "adjusted")
METHOD_LABELS: dict[str, str] = {"mean": "平均", "median": "中央値", "trimmed": "トリム平均（最高・最低を除く）",
                                 "zscore": "評価者ごとの標準化（zスコア）",
                                 "adjusted": "評価者の傾向を補正（加法モデル）"}

#: The selection strategies (SPEC §6.5), with labels.
SELECTION_STRATEGIES: tuple[str, ...] = ("greedy", "quota", "optimal")
SELECTION_LABELS: dict[str, str] = {"greedy": "順に選ぶ", "quota": "下限を先に満たす", "optimal": "最適化"}

#: A bureau's balance status.
BALANCE_LABELS: dict[str, str] = {"under": "下限未満", "over": "上限超過", "unserved": "採択なし", "ok": "適正"}

#: The reason codes of the automatic checks, in the order they are reported, with labels.
CHECK_CODES: tuple[str, ...] = (
    "applicant-type", "consortium", "min-cost", "subsidy-rate", "subsidy-cap",
    "overhead", "model", "commitment", "prior-support", "documents",
)
CHECK_LABELS: dict[str, str] = {
    "applicant-type": "応募主体の種別",
    "consortium": "連携体制・ガバナンス",
    "min-cost": "事業費の下限",
    "subsidy-rate": "補助率",
    "subsidy-cap": "補助上限額",
    "overhead": "一般管理費の上限",
    "model": "分野別モデル",
    "commitment": "応募条件の表明",
    "prior-support": "過去の支援実績",
    "documents": "提出書類",
}
#: The reason code of an application without a submitted sheet.
UNSCORED = "unscored"
UNSCORED_LABEL = "提出済みの採点票がない"
#: Reason codes of failed must criteria are "must:<criterion id>".
MUST_REASON_PREFIX = "must:"

#: Audit actions.
AUDIT_LABELS: dict[str, str] = {
    "init": "初期化", "criteria-add": "審査基準の登録", "criteria-change": "審査基準の変更",
    "application-add": "申請の登録", "application-change": "申請の差し替え", "panel-load": "評価者名簿の読込",
    "assign": "自動割当", "sheet-create": "採点票の作成", "sheet-update": "採点票の更新", "sheet-submit": "採点票の提出",
    "sheet-reopen": "差し戻し", "conflict-declared": "利害関係の申出", "assignment-add": "割当の追加",
    "export": "Excel 書き出し",
    "session-start": "端末アプリの起動", "application-open": "申請の閲覧",
    "shortlist-add": "ヒアリング対象の追加", "shortlist-change": "ヒアリングの日時・場所の変更",
    "shortlist-remove": "ヒアリング対象の取消", "request-add": "追加資料の依頼", "request-answer": "追加資料の受領",
    "opinion-add": "意見の記録", "decision": "採否の決定", "decision-clear": "採否の決定の取消",
    "result-finalize": "評価結果の確定", "result-reopen": "評価結果の確定の解除",
}
#: Audit actions that record an event and change no data.
RECORD_ONLY_ACTIONS: tuple[str, ...] = ("session-start", "application-open", "export")

#: Kinds of input file.
FILE_KINDS: tuple[str, ...] = ("criteria", "application", "panel", "scores")
FILE_KIND_LABELS: dict[str, str] = {"criteria": "審査基準", "application": "申請", "panel": "評価者名簿", "scores": "採点票"}

#: What the import of one sheet did.
SHEET_RESULT_LABELS: dict[str, str] = {"created": "新規", "updated": "更新", "submitted": "提出",
                                       "replaced": "差し替え", "unchanged": "変更なし"}

#: Field groups of the field balance.
FIELD_KIND_LABELS: dict[str, str] = {"track": "要件", "model": "分野別モデル", "field": "分野"}

#: What each score of a 加点・推奨 item means. The seeds score the items 0–5 without wording a
#: scale; this is the panel's reading of it, shown beside the item being scored.
SCORE_SCALE_LABELS: dict[int, str] = {
    0: "記載なし・該当しない", 1: "不十分", 2: "やや不十分", 3: "標準的（求める水準を満たす）",
    4: "優れている", 5: "特に優れている",
}

#: The same, short, for one line at 80 columns.
SCORE_SCALE_SHORT_LABELS: dict[int, str] = {
    0: "該当なし", 1: "不十分", 2: "やや不十分", 3: "標準的", 4: "優れている", 5: "特に優れている",
}

#: What a must judgement means for the application.
MUST_SCALE_LABELS: dict[str, str] = {
    "pass": "要件を満たしている",
    "fail": "満たしていない（評価者の半数以上が不適合とした申請は選定の対象外）",
}

#: A draft that a chair sent back (reopened) after it was submitted.
REOPENED_LABEL = "差し戻し"

#: The application's own statements (申請内容の申告), as the scoring screen lists them.
DECLARATION_LABELS: dict[str, str] = {
    "mynumber_card_rate": "マイナンバーカード交付率",
    "data_utilization_plan": "官民データ活用推進計画",
    "prior_support_years": "過去の支援",
    "documents": "提出書類（申告）",
    "model_condition": "分野別モデルの条件",
}

#: The formats of submitted files (SPEC §6.2) as an applicant knows them (the seeds' "Microsoft
#: PowerPoint" …).
FORMAT_LABELS: dict[str, str] = {
    "pptx": "PowerPoint（.pptx）", "xlsx": "Excel（.xlsx）", "docx": "Word（.docx）", "pdf": "PDF",
}
