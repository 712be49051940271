"""Residents' voice in the demo season: check-ins at held fairs and points, ratings, questions (some in the FAQ),
follow-ups with outcomes — deterministic, once (SPEC §12 `seed-demo`)."""

import random
from datetime import timedelta

from sqlalchemy import select

from app.activities.demo import DEMO_NOTE
from app.checkin.services import name_key
from app.checkin.tokens import short_code
from app.extensions import db
from app.formatting import local
from app.models import Activity, CheckIn, Commune, User
from app.models.voice import FollowUp, Question, Rating, followup_values

SEED = 20260717
MAX_ACTIVITIES = 24
DEMO_COMMUNE = "11311"  # the demo commune user's (Phường Hồng Bàng): its pages show the most
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương")
MIDDLE = ("Văn", "Thị", "Đức", "Thị Thu", "Minh", "Thị Ngọc", "Quang", "Thanh")
GIVEN = ("An", "Bình", "Chi", "Dũng", "Hà", "Hải", "Hạnh", "Hoa", "Hùng", "Lan", "Linh", "Mai", "Nam", "Nga",
         "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Tuấn", "Vân", "Yến")
COMMENTS = ("Cán bộ tư vấn nhiệt tình, dễ hiểu.", "Được hướng dẫn cài VssID ngay tại chỗ, rất tiện.",
            "Nên tổ chức vào buổi chiều để người đi làm tham dự được.", "Tờ rơi chữ hơi nhỏ với người cao tuổi.",
            "Thủ tục gia hạn thẻ BHYT nhanh gọn.", "Mong có thêm buổi tư vấn về BHXH tự nguyện.",
            "Chờ hơi lâu ở bàn tư vấn.")
# (topic, question, answer): general guidance, for the demo FAQ.
QUESTIONS = (
    ("bhyt", "Thẻ BHYT của tôi hết hạn thì gia hạn ở đâu?",
     "Bạn gia hạn tại đại lý thu BHXH, BHYT ở xã, phường, tại bưu điện, hoặc trực tuyến trên Cổng Dịch vụ công "
     "quốc gia và ứng dụng VssID. Thẻ được gia hạn liên tục thì quyền lợi không bị gián đoạn."),
    ("bhyt", "Học sinh tham gia BHYT ở đâu, có được hỗ trợ tiền đóng không?",
     "Học sinh, sinh viên tham gia BHYT theo danh sách do nhà trường lập; ngân sách nhà nước hỗ trợ một phần mức "
     "đóng. Phụ huynh liên hệ nhà trường hoặc BHXH cơ sở để biết mức đóng cụ thể."),
    ("bhyt", "Gia đình tôi có 4 người cùng mua BHYT hộ gia đình thì có được giảm không?",
     "Có. Người thứ nhất đóng đủ mức; người thứ hai đóng 70%, người thứ ba 60%, người thứ tư 50% mức đóng của "
     "người thứ nhất; từ người thứ năm trở đi đóng 40%."),
    ("thu_tuc", "Đi khám bệnh có bắt buộc mang thẻ BHYT giấy không?",
     "Không bắt buộc. Bạn có thể dùng thẻ BHYT trên ứng dụng VssID hoặc căn cước gắn chip đã tích hợp thông tin "
     "thẻ BHYT khi đi khám chữa bệnh."),
    ("thu_tuc", "Tôi bị mất thẻ BHYT thì làm thế nào?",
     "Bạn vẫn đi khám được bằng căn cước gắn chip hoặc ứng dụng VssID. Nếu cần thẻ giấy, đề nghị cấp lại tại BHXH "
     "cơ sở hoặc qua Cổng Dịch vụ công."),
    ("bhxh_tu_nguyen", "Đóng BHXH tự nguyện bao nhiêu năm thì được hưởng lương hưu?",
     "Theo Luật BHXH 2024 (hiệu lực từ 01/7/2025), người tham gia được hưởng lương hưu khi đủ tuổi nghỉ hưu và có "
     "từ đủ 15 năm đóng BHXH trở lên."),
    ("bhxh_tu_nguyen", "Mức đóng BHXH tự nguyện thấp nhất là bao nhiêu?",
     "Mức đóng hằng tháng bằng 22% mức thu nhập bạn chọn; thu nhập làm căn cứ đóng thấp nhất bằng chuẩn hộ nghèo "
     "khu vực nông thôn. Nhà nước hỗ trợ một phần mức đóng cho hộ nghèo, hộ cận nghèo và các đối tượng khác."),
    ("bhxh_bat_buoc", "Công ty không đóng BHXH cho tôi thì tôi phải làm gì?",
     "Bạn kiểm tra quá trình đóng trên ứng dụng VssID; nếu đơn vị chưa đóng, hãy phản ánh với BHXH cơ sở hoặc cơ "
     "quan quản lý lao động để được kiểm tra, giải quyết."),
    ("che_do", "Người đủ 75 tuổi không có lương hưu có được trợ cấp gì không?",
     "Người từ đủ 75 tuổi không có lương hưu, trợ cấp BHXH hằng tháng có thể được hưởng trợ cấp hưu trí xã hội và "
     "được cấp thẻ BHYT theo quy định. Liên hệ UBND xã, phường để được hướng dẫn hồ sơ."),
    ("khac", "Cài ứng dụng VssID như thế nào?",
     "Tải ứng dụng “VssID – BHXH số” trên kho ứng dụng của điện thoại, đăng ký bằng mã số BHXH hoặc số căn cước; "
     "cán bộ tại bàn tư vấn hỗ trợ bạn cài đặt ngay."),
)
SCORES = (5,) * 10 + (4,) * 6 + (3,) * 2 + (2,) + (1,)


def _activities() -> list[Activity]:
    """Held demo fairs and communication points: the demo commune's first, then others, then the city's."""
    rows = db.session.execute(select(Activity, Commune.code).outerjoin(Commune, Commune.id == Activity.commune_id)
                              .where(Activity.notes == DEMO_NOTE, Activity.status == "held",
                                     Activity.kind.in_(("fair", "communication_point"))).order_by(Activity.id)).all()
    ordered = [a for a, code in rows if code == DEMO_COMMUNE] + [a for a, code in rows if code not in (DEMO_COMMUNE,
                                                                                                        None)]
    return ordered[:MAX_ACTIVITIES - 1] + [a for a, code in rows if code is None][:1]


def seed_voice_demo() -> list[str]:
    """Add the voice data to the demo season once; lines for the CLI."""
    activities = _activities()
    if not activities:
        return []
    if db.session.scalar(select(CheckIn.id).where(CheckIn.activity_id.in_([a.id for a in activities])).limit(1)):
        return ["Dữ liệu ý kiến người dân (demo) đã có từ trước."]
    rng = random.Random(SEED)
    staff = {c: u for c, u in db.session.execute(select(User.commune_id, User.id).where(User.role == "commune"))}
    city_user = db.session.scalar(select(User.id).where(User.role.in_(("admin", "city"))).order_by(User.id).limit(1))
    totals = {"checkins": 0, "followups": 0, "ratings": 0, "questions": 0}
    published: set[str] = set()
    for n, activity in enumerate(activities):
        people = _checkins(rng, activity, n)
        db.session.add_all(people)
        db.session.flush()
        totals["checkins"] += len(people)
        for c in people:
            values = followup_values(c, activity.commune_id)
            if values is not None:
                db.session.add(_followup(rng, values, activity))
                totals["followups"] += 1
            if rng.random() < 0.55:
                comment = rng.choice(COMMENTS) if rng.random() < 0.25 else ""
                db.session.add(Rating(checkin_id=c.id, activity_id=activity.id, commune_id=activity.commune_id,
                                      score=rng.choice(SCORES), comment=comment,
                                      created_at=c.created_at + timedelta(minutes=rng.randint(2, 90))))
                totals["ratings"] += 1
        assignee = staff.get(activity.commune_id, city_user)
        for topic, text, answer in rng.sample(QUESTIONS, rng.randint(2, 4)):
            question = _question(rng, activity, people, topic, text, answer, assignee)
            question.public = question.public and text not in published  # the FAQ shows each question once
            published.update({text} if question.public else set())
            db.session.add(question)
            totals["questions"] += 1
    db.session.flush()
    return [f"Ý kiến người dân (demo): {totals['checkins']} lượt điểm danh ở {len(activities)} hoạt động, "
            f"{totals['ratings']} đánh giá, {totals['questions']} câu hỏi, {totals['followups']} người cần theo dõi."]


def _checkins(rng: random.Random, activity: Activity, n: int) -> list[CheckIn]:
    people = []
    for i in range(rng.randint(25, 55)):
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        status = rng.choices(("valid", "none", "expired"), (70, 18, 12))[0]
        people.append(CheckIn(
            activity_id=activity.id, source=rng.choice(("self", "self", "self", "staff")), full_name=name,
            phone=f"09{n:02d}{i:03d}{rng.randint(100, 999)}"[:10], birth_year=rng.randint(1950, 2006),
            audience=rng.randint(1, 6), residence_commune_id=activity.commune_id, bhyt_status=status, topics="",
            consent=True, name_key=name_key(name), code=short_code(),
            created_at=activity.start_at + timedelta(minutes=rng.randint(0, 180))))
    return people


def _followup(rng: random.Random, values: dict, activity: Activity) -> FollowUp:
    outcome = rng.choices((None, "enrolled_bhyt", "enrolled_bhxh", "declined", "unreachable"), (30, 32, 6, 20, 12))[0]
    on = local(activity.start_at).date() + timedelta(days=rng.randint(1, 12)) if outcome else None
    return FollowUp(**values, outcome=outcome, outcome_on=on, updated_at=values["created_at"] if outcome else None)


def _question(rng, activity, people, topic, text, answer, assignee) -> Question:
    asker = rng.choice(people)
    status = rng.choices(("answered", "closed", "assigned", "new"), (50, 15, 15, 20))[0]
    asked = asker.created_at + timedelta(minutes=rng.randint(1, 30))
    done = status in ("answered", "closed")
    callback = rng.random() < 0.5
    return Question(
        activity_id=activity.id, commune_id=activity.commune_id, checkin_id=asker.id, source="self", topic=topic,
        text=text, full_name=asker.full_name, phone=asker.phone if callback else None, callback=callback,
        status=status, assignee_id=assignee if status != "new" else None,
        assigned_at=asked + timedelta(hours=2) if status != "new" else None, answer=answer if done else "",
        answered_by_id=assignee if done else None, answered_at=asked + timedelta(days=2) if done else None,
        closed_at=asked + timedelta(days=5) if status == "closed" else None,
        public=done, public_text=text, created_at=asked)
