"""The words of the draft plan, ``{key: (vi, en)}``, in the order and register of the reference plan
(Kế hoạch thực hiện Chương trình MTQG xây dựng nông thôn mới xã Tân Lập năm 2024, reference
``seed-plan-tan-lap-2024.txt``) and of the administrative style of Nghị định 30/2020/NĐ-CP.

Kept apart from :mod:`ntm_analysis.plan.content` only because a plan has many sentences; every other
module keeps its messages next to its code. Text in square brackets is a placeholder the commune
fills in (the Word writer highlights it).
"""

from __future__ import annotations

#: The one marker of a placeholder: text between these is highlighted in the Word document.
PLACEHOLDER_OPEN, PLACEHOLDER_CLOSE = "[", "]"

MESSAGES: dict[str, tuple[str, str]] = {
    # --- header, title ---------------------------------------------------------------------------
    "body_parent": ("ỦY BAN NHÂN DÂN", "PEOPLE'S COMMITTEE"),
    "body_unit": ("{kind} {name}", "{name} {kind}"),
    "number": ("Số: .../KH-UBND", "No.: .../KH-UBND"),
    "motto_1": ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SOCIALIST REPUBLIC OF VIETNAM"),
    "motto_2": ("Độc lập - Tự do - Hạnh phúc", "Independence - Freedom - Happiness"),
    "place_date": ("{place}, ngày ... tháng ... năm {year}", "{place}, ... ... {year}"),
    "title": ("KẾ HOẠCH", "PLAN"),
    "subtitle": ("Thực hiện Chương trình mục tiêu quốc gia xây dựng nông thôn mới {unit} năm {year}",
                 "Implementation of the National Target Programme on New Rural Development in {unit}, {year}"),
    # --- first-page notice (the same honesty as the reports) --------------------------------------
    "notice_head": ("GHI CHÚ CỦA BẢN DỰ THẢO (xóa trước khi ban hành)", "NOTE ON THIS DRAFT (delete before issuing)"),
    "notice_source": ("Bản dự thảo do ntm-analysis lập tự động từ kết quả đánh giá năm {year} của bộ dữ liệu "
                      "“{dataset}” theo bộ tiêu chí “{catalogue}” (phiên bản {version}).",
                      "Drafted automatically by ntm-analysis from the {year} assessment of the dataset "
                      "“{dataset}” under the criteria set “{catalogue}” (version {version})."),
    "notice_synthetic": ("⚠ DỮ LIỆU TỔNG HỢP (synthetic), không phải số liệu thật: không dùng để ban hành.",
                         "⚠ SYNTHETIC DATA, not real figures: not for issuing."),
    "notice_unverified": ("⚠ {n}/{total} ngưỡng dùng trong kế hoạch này chưa được đối chiếu với văn bản quyết định "
                          "(xem cột “Ngưỡng” và chú giải ở biểu mẫu kèm theo); kiểm tra trước khi sử dụng.",
                          "⚠ {n} of the {total} thresholds used in this plan are not verified against the decision "
                          "text (see the “Threshold” column and legend of the annex); check them before use."),
    "notice_fill": ("Nội dung trong [ngoặc vuông, tô vàng] là phần xã bổ sung, sửa trước khi trình ký.",
                    "Text in [yellow square brackets] is for the commune to complete before signing."),
    "notice_successor": ("Từ năm {year}, {unit} thuộc {successor}: cân nhắc lập kế hoạch cho đơn vị mới.",
                         "From {year}, {unit} is part of {successor}: consider planning for the new unit."),
    "notice_group": ("Xã thuộc {group} theo bộ tiêu chí đang áp dụng; các ngưỡng là ngưỡng của nhóm này.",
                     "The commune is in {group} under the criteria set in use; thresholds are those of this group."),
    "group_name": ("nhóm {group}", "group {group}"),
    # --- legal bases ------------------------------------------------------------------------------
    "basis": ("Căn cứ {title};", "Pursuant to {title};"),
    "basis_fill": ("[Căn cứ Nghị quyết của Đảng ủy {unit} về nhiệm vụ năm {year}; Nghị quyết của Hội đồng nhân dân "
                   "{unit} về mục tiêu, nhiệm vụ, kế hoạch phát triển kinh tế - xã hội và dự toán ngân sách năm {year}];",
                   "[Pursuant to the resolution of the Party Committee of {unit} on the tasks of {year}; the resolutions "
                   "of the People's Council of {unit} on the socio-economic plan and budget of {year}];"),
    "basis_close": ("Ủy ban nhân dân {unit} xây dựng Kế hoạch thực hiện Chương trình mục tiêu quốc gia xây dựng "
                    "nông thôn mới năm {year} như sau:",
                    "The People's Committee of {unit} issues the plan for the National Target Programme on New Rural "
                    "Development in {year} as follows:"),
    # --- I. goals ---------------------------------------------------------------------------------
    "h_goals": ("I. MỤC TIÊU", "I. GOALS"),
    "h_general": ("1. Mục tiêu chung", "1. General goal"),
    "general": ("[Để thực hiện thắng lợi các mục tiêu, nhiệm vụ đề ra tại Nghị quyết Đại hội Đảng bộ, kế hoạch phát "
                "triển kinh tế - xã hội 5 năm ...] Năm {year}, Ủy ban nhân dân {unit} tiếp tục triển khai thực hiện đồng "
                "bộ, hiệu quả Chương trình mục tiêu quốc gia xây dựng nông thôn mới gắn với tái cơ cấu ngành nông "
                "nghiệp, nâng cao giá trị gia tăng và phát triển bền vững nhằm nâng cao đời sống vật chất và tinh thần "
                "cho người dân.",
                "[To carry out the goals set by the Party Congress resolution and the five-year socio-economic plan ...] "
                "In {year}, the People's Committee of {unit} continues to carry out the National Target Programme on "
                "New Rural Development together with the restructuring of agriculture, to raise added value and "
                "improve people's material and spiritual life."),
    "goal_restore": ("Năm {year} phấn đấu thực hiện đạt các chỉ tiêu, tiêu chí bị tụt giảm theo bộ tiêu chí {tier}.",
                     "In {year}, the commune aims to recover the slipped indicators and criteria of the {tier} criteria."),
    "goal_models": ("Duy trì và nâng cao các tiêu chí {areas}.", "Keep up and improve {areas}."),
    "models_progress": ("khu dân cư {names}", "the residential areas {names}"),
    "models_recognised": ("khu dân cư nông thôn mới kiểu mẫu đã đạt ({names})",
                          "the model residential areas already recognised ({names})"),
    "basis_counts": ("Trên cơ sở {n_crit} tiêu chí và {n_ind} chỉ tiêu của {catalogue}:",
                     "On the basis of the {n_crit} criteria and {n_ind} indicators of {catalogue}:"),
    # --- I.2 specific goals -----------------------------------------------------------------------
    "h_specific": ("2. Mục tiêu cụ thể", "2. Specific goals"),
    "h_tier": ("2.{i}. Bộ tiêu chí {tier} giai đoạn {period}", "2.{i}. The {tier} criteria, {period}"),
    "h_tier_dated": ("2.{i}. Bộ tiêu chí {tier}", "2.{i}. The {tier} criteria"),
    "reached_line": ("{kind} tự rà soát, đánh giá đạt {met}/{total} tiêu chí{slipped}.",
                     "The {kind} assessed itself at {met}/{total} criteria met{slipped}."),
    "slipped_part": (", có {n} tiêu chí bị tụt", ", {n} criteria slipped"),
    "slipped_intro": ("* Đối với tiêu chí {kind} tự đánh giá bị tụt giảm theo bộ tiêu chí {tier}, đó là:",
                      "* The criteria of the {tier} set the {kind} assessed as slipped:"),
    "unmet_intro": ("* Các tiêu chí {tier} chưa đạt:", "* The {tier} criteria not yet met:"),
    "criterion_lead": ("Tiêu chí số {n} - {name}:", "Criterion {n} - {name}:"),
    "criterion_lead_2": ("Tiêu chí số {n} {name}:", "Criterion {n} {name}:"),
    "restore_text": ("đạt {n_met}/{n_ind} chỉ tiêu năm {year}; cần khôi phục trong năm {plan}.",
                     "{n_met}/{n_ind} indicators met in {year}; to be recovered in {plan}."),
    "target_line": ("{kind} tự rà soát, đánh giá đạt {met}/{total} tiêu chí {tier}; năm {plan} phấn đấu đạt thêm "
                    "{n} tiêu chí.",
                    "The {kind} assessed itself at {met}/{total} {tier} criteria; in {plan} it aims to reach {n} more."),
    "target_line_none": ("{kind} tự rà soát, đánh giá đạt {met}/{total} tiêu chí {tier}.",
                         "The {kind} assessed itself at {met}/{total} {tier} criteria."),
    "c_met": ("Đã đạt ({n_met}/{n_ind} chỉ tiêu); tiếp tục duy trì và nâng cao chất lượng.",
              "Met ({n_met}/{n_ind} indicators); keep it up and improve its quality."),
    "c_not_met": ("Chưa đạt ({n_met}/{n_ind} chỉ tiêu đạt).", "Not met ({n_met}/{n_ind} indicators met)."),
    "c_slipped": ("Bị tụt năm {year}.", "Slipped in {year}."),
    "c_proposed": ("(Thực hiện đạt năm {plan}; {resource}.)", "(To be reached in {plan}; {resource}.)"),
    "c_later": ("Phấn đấu đạt một số chỉ tiêu.", "Aim to meet some of its indicators."),
    "c_na": ("Không áp dụng.", "Not applicable."),
    "solution": ("[Giải pháp thực hiện: ...]", "[Measures: ...]"),
    # one sentence per unmet indicator
    "i_not_met": ("Chỉ tiêu {code} ({name}): hiện đạt {value}, yêu cầu {req}, còn thiếu {gap}.",
                  "Indicator {code} ({name}): now {value}, required {req}, gap {gap}."),
    "i_not_met_le": ("Chỉ tiêu {code} ({name}): hiện ở mức {value}, yêu cầu {req}, cần giảm thêm {gap}.",
                     "Indicator {code} ({name}): now {value}, required {req}, to be reduced by {gap}."),
    "i_not_met_bool": ("Chỉ tiêu {code} ({name}): chưa đạt (yêu cầu: {req}).",
                       "Indicator {code} ({name}): not met (required: {req})."),
    "i_missing": ("Chỉ tiêu {code} ({name}): chưa có số liệu năm {year} (yêu cầu {req}).",
                  "Indicator {code} ({name}): no data for {year} (required {req})."),
    "i_unknown": ("Chỉ tiêu {code} ({name}): hiện đạt {value}; bộ tiêu chí chưa có ngưỡng.",
                  "Indicator {code} ({name}): now {value}; the criteria set has no threshold."),
    "models_head": ("* Khu dân cư nông thôn mới kiểu mẫu:", "* Model residential areas:"),
    "models_keep": ("Duy trì và nâng cao chất lượng khu dân cư nông thôn mới kiểu mẫu đã được công nhận: {names}.",
                    "Keep up the recognised model residential areas: {names}."),
    "models_build": ("Tiếp tục xây dựng khu dân cư nông thôn mới kiểu mẫu: {names}.",
                     "Continue building model residential areas: {names}."),
    "model_recognised": ("{hamlet} ({village}), công nhận năm {year}", "{hamlet} ({village}), recognised in {year}"),
    "model_progress": ("{hamlet} ({village}), đạt {met}/{total} tiêu chí", "{hamlet} ({village}), {met}/{total} criteria met"),
    # --- II, III ----------------------------------------------------------------------------------
    "h_tasks": ("II. NHIỆM VỤ VÀ GIẢI PHÁP THỰC HIỆN", "II. TASKS AND MEASURES"),
    "h_org": ("III. TỔ CHỨC THỰC HIỆN", "III. ORGANISATION"),
    "fill": ("[Nội dung do {kind} bổ sung.]", "[To be completed by the {kind}.]"),
    "proposed_intro": ("Các tiêu chí đề xuất thực hiện đạt năm {plan} và nguồn lực chủ yếu:",
                       "Criteria proposed for {plan} and the resources they mainly rest on:"),
    "resource_line": ("{resource}; {n_comm}/{n_unmet} chỉ tiêu chưa đạt thuộc trách nhiệm cộng đồng.",
                      "{resource}; {n_comm} of {n_unmet} unmet indicators rest on the community."),
    "closing": ("Căn cứ nội dung Kế hoạch, các thành viên Ban Quản lý xây dựng nông thôn mới; các cơ quan, đơn vị liên "
                "quan và các thôn chủ động xây dựng kế hoạch cụ thể để triển khai thực hiện có hiệu quả Chương trình "
                "mục tiêu quốc gia xây dựng nông thôn mới năm {year} theo chức năng, nhiệm vụ được phân công.",
                "On the basis of this plan, the members of the NTM management board, the bodies concerned and the "
                "villages draw up their own plans to carry out the National Target Programme on New Rural "
                "Development in {year} within their assigned duties."),
    # --- recipients, signature ----------------------------------------------------------------------
    "recipients": ("Nơi nhận:", "Recipients:"),
    "recipient_lines": ("- Ban Chỉ đạo các CTMTQG {parent};|- Thường trực Đảng ủy, HĐND {unit};|- CT, PCT UBND {unit};|"
                        "- Thành viên Ban Chỉ đạo, Ban Quản lý XD NTM {unit};|- Ban phát triển thôn;|- Lưu: VT.",
                        "- Steering committee of the NTPs, {parent};|- Standing committees of the Party and People's "
                        "Council, {unit};|- Chair, vice-chairs of the People's Committee;|- Members of the NTM steering "
                        "and management boards;|- Village development boards;|- Archive."),
    "sign_1": ("TM. ỦY BAN NHÂN DÂN", "ON BEHALF OF THE PEOPLE'S COMMITTEE"),
    "sign_2": ("CHỦ TỊCH", "CHAIR"),
    "sign_name": ("[Họ và tên]", "[Full name]"),
    # --- annex ------------------------------------------------------------------------------------
    "annex_head": ("BIỂU MẪU KÈM THEO", "ANNEX"),
    "annex_title": ("Kết quả thực hiện các chỉ tiêu, tiêu chí năm {year} và mục tiêu năm {plan} của {unit}",
                    "Indicator and criterion results {year} and targets {plan}, {unit}"),
    "annex_sub": ("(Kèm theo Kế hoạch số .../KH-UBND ngày .../.../{plan} của Ủy ban nhân dân {unit})",
                  "(Annexed to plan No. .../KH-UBND of .../.../{plan} of the People's Committee of {unit})"),
    "col_no": ("TT", "No."), "col_code": ("Mã", "Code"), "col_name": ("Chỉ tiêu", "Indicator"),
    "col_unit": ("Đơn vị tính", "Unit"), "col_req": ("Yêu cầu", "Required"),
    "col_value": ("Kết quả {year}", "Value {year}"), "col_status": ("Đánh giá {year}", "Result {year}"),
    "col_target": ("Mục tiêu {plan}", "Target {plan}"), "col_gap": ("Còn thiếu", "Gap"),
    "col_threshold": ("Ngưỡng", "Threshold"),
    "row_tier": ("{tier}: đạt {met}/{total} tiêu chí năm {year}", "{tier}: {met}/{total} criteria met in {year}"),
    "row_criterion": ("Tiêu chí {n}. {name}: {status}", "Criterion {n}. {name}: {status}"),
    "keep": ("Duy trì", "Keep"),
    "legend_head": ("Chú giải cột “Ngưỡng”:", "Legend of the “Threshold” column:"),
    "legend_item": ("{short}: {long}", "{short}: {long}"),
    "legend_target": ("Cột “Mục tiêu {plan}” chỉ ghi cho các tiêu chí đề xuất thực hiện đạt năm {plan} "
                      "(kể cả tiêu chí bị tụt cần khôi phục).",
                      "The “Target {plan}” column is filled only for the criteria proposed for {plan} "
                      "(slipped criteria to recover included)."),
    "yes": ("Có", "Yes"), "no": ("Không", "No"), "no_threshold": ("chưa có ngưỡng", "no threshold"),
}

#: Short threshold-status marks for the annex column, explained in the legend with the long label.
THRESHOLD_SHORT: dict[str, tuple[str, str]] = {
    "verified": ("Đã xác minh", "Verified"),
    "plan_stated": ("Theo KH xã", "Commune plan"),
    "provisional": ("Tạm tính", "Provisional"),
    "unknown": ("Chưa biết", "Unknown"),
}

#: Headings of sections II and III, as in the reference plan (each gets one placeholder line).
TASK_HEADINGS: tuple[tuple[str, str], ...] = (
    ("Công tác chỉ đạo điều hành", "Direction and management"),
    ("Công tác tuyên truyền", "Communication"),
    ("Công tác đào tạo, tập huấn", "Training"),
    ("Xây dựng kết cấu hạ tầng nông thôn", "Rural infrastructure"),
    ("Phát triển sản xuất và đổi mới các hình thức tổ chức sản xuất", "Production and its organisation"),
    ("Triển khai thực hiện Bộ tiêu chí {tier}{models}", "Carrying out the {tier} criteria{models}"),
    ("Văn hóa, môi trường và an toàn thực phẩm", "Culture, environment and food safety"),
    ("Giáo dục, y tế, thông tin truyền thông", "Education, health, information and communication"),
    ("Xây dựng hệ thống chính trị, bảo đảm quốc phòng - an ninh", "Political system, defence and security"),
)
#: The end of that heading when the catalogue has a model residential area tier.
TASK_MODELS = (", xây dựng khu dân cư kiểu mẫu", " and building model residential areas")
#: Index (0-based) of the heading of section II that lists the proposed criteria and their resources.
TASK_TARGETS = 5
ORG_HEADINGS: tuple[tuple[str, str], ...] = (
    ("Ban Chỉ đạo, Ban Quản lý xây dựng nông thôn mới {kind}", "The NTM steering and management boards"),
    ("Ủy ban nhân dân {kind}", "The People's Committee"),
    ("Đề nghị Mặt trận Tổ quốc và các đoàn thể chính trị - xã hội", "The Fatherland Front and mass organisations"),
    ("Các cơ quan, đơn vị trên địa bàn {kind}", "Bodies and units in the {kind}"),
    ("Đối với các thôn", "Villages"),
)
