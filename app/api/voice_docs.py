"""The residents' voice operations of the OpenAPI document; their schemas come from app/schemas/voice.py."""

from app.api.docs import IDEMPOTENCY_KEY, YEAR_QUERY, operation, path_id, query
from app.schemas import voice as schemas

COMMUNE = query("commune", {"type": "string"}, "Mã xã, hoặc `city` cho cấp thành phố.")

operation("/activities/{activity_id}/questions", "post", "create_question", "Cán bộ ghi câu hỏi của người dân tại "
          "hoạt động.", "voice", (201, schemas.Question, "Câu hỏi vừa ghi."), ("403", "404", "422"),
          body=schemas.QuestionInput, parameters=[path_id("activity_id", "Mã hoạt động."), IDEMPOTENCY_KEY],
          extra_ok={200: (schemas.Question, "Gửi lại với cùng `Idempotency-Key`: câu hỏi đã ghi lần đầu.")})
operation("/questions", "get", "list_questions", "Câu hỏi trong phạm vi người gọi, mới nhất trước (tối đa 500).",
          "voice", (200, [schemas.Question], "Danh sách."), ("403", "422"), parameters=[
              query("status", {"type": "string", "enum": ["new", "assigned", "answered", "closed", "open"]},
                    "Trạng thái; `open` = mới hoặc đã giao."),
              COMMUNE, query("topic", {"type": "string", "enum": list(schemas.TOPICS)}, "Chủ đề.")])
operation("/questions/{question_id}", "patch", "update_question", "Giao, trả lời, đóng, công khai một câu hỏi; 404 "
          "với câu hỏi của đơn vị khác.", "voice", (200, schemas.Question, "Câu hỏi sau khi sửa."),
          ("403", "404", "409", "422"), body=schemas.QuestionPatch, parameters=[path_id("question_id", "Mã câu hỏi.")])
operation("/ratings", "post", "create_rating", "Người dân đánh giá 1–5 bằng mã đánh giá của lượt điểm danh (không cần "
          "mã truy cập).", "voice", (201, schemas.Rating, "Đã ghi đánh giá."), ("409", "422"),
          body=schemas.RatingInput, public=True)
operation("/activities/{activity_id}/follow-ups", "get", "list_followups", "Người tham dự chưa có thẻ BHYT hoặc thẻ hết "
          "hạn (đã đồng ý) cần theo dõi.", "voice", (200, [schemas.FollowUp], "Danh sách."), ("403", "404"),
          parameters=[path_id("activity_id", "Mã hoạt động.")])
operation("/follow-ups/{followup_id}", "patch", "update_followup", "Ghi kết quả theo dõi và ngày; 409 nếu người này đã "
          "được tính tham gia ở hoạt động khác.", "voice", (200, schemas.FollowUp, "Sau khi ghi."),
          ("403", "404", "409", "422"), body=schemas.FollowUpPatch, parameters=[path_id("followup_id", "Mã theo dõi.")])
operation("/satisfaction", "get", "satisfaction", "Chỉ số hài lòng: số lượt, điểm trung bình, tỷ lệ 4–5.", "voice",
          (200, schemas.Satisfaction, "Chỉ số."), ("403", "404", "422"), parameters=[
              query("campaign", {"type": "string"}, "Mã chiến dịch."), COMMUNE,
              query("activity", {"type": "integer", "minimum": 1}, "Mã hoạt động."),
              query("year", YEAR_QUERY, "Năm.")])
