"""`flask seed --demo`, the knowledge base: a dozen answers on business and public-service
questions (营商环境), written, edited and archived by the demo supervisor through the service
with backdated times; then a few consultations waiting in triage answered from them at source
(直接办结), as an operator would from the console."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from hotline.auth.models import User
from hotline.core.actor import Actor
from hotline.core.clock import to_local
from hotline.core.extensions import db
from hotline.knowledge import search
from hotline.knowledge import service as knowledge
from hotline.knowledge.service import ArticleDraft
from hotline.tickets import transitions as tx
from hotline.tickets.models import Kind, Status, Ticket

# (title, answer, category code, unit code, source, written days ago)
ARTICLES: list[tuple[str, str, str | None, str | None, str, int]] = [
    (
        "营业执照办理（企业开办）",
        "企业和个体工商户办理营业执照，可登录“一网通办”平台在线申请，或到市民中心商事登记窗口"
        "现场办理。需准备：身份证、经营场所证明（租赁合同或房产证明）、名称自主申报结果。"
        "材料齐全、符合法定形式的，当场发照；企业开办（执照、刻章、发票、社保登记）一日办结，"
        "全程免费。",
        "biz_approval",
        "C-SCJG",
        "市市场监管局《企业开办“一网通办”服务指南》（2026 版）",
        80,
    ),
    (
        "营业执照变更、注销",
        "变更经营范围、地址、法定代表人等登记事项的，在“一网通办”平台提交变更申请，材料齐全的"
        "当场办结，窗口不得要求提供法律法规规定以外的证明材料。个体工商户注销可走简易注销程序，"
        "公示 20 天无异议即可办理，无需提交清税证明以外的材料。",
        "biz_approval",
        "C-SCJG",
        "《市场主体登记管理条例》及实施细则",
        75,
    ),
    (
        "个体工商户税费缴纳",
        "个体工商户月销售额 10 万元以下（季度 30 万元以下）免征增值税；实行定期定额征收的，"
        "按核定税额缴纳。可通过电子税务局、税务 APP 或办税服务厅申报缴纳，"
        "小规模纳税人减按 1% 征收率缴纳增值税的政策按年度公告执行。",
        "invoice",
        "C-SWJ",
        "国家税务总局关于小规模纳税人增值税政策的公告",
        70,
    ),
    (
        "个体工商户申请电子发票",
        "个体工商户登录电子税务局，在“发票使用—发票票种核定”中申请数电发票，无需领用税控设备，"
        "开具后自动交付购买方。商家不得以开票为由加收“税点”，遇到可向税务部门举报。",
        "invoice",
        "C-SWJ",
        "市税务局纳税服务答复口径",
        60,
    ),
    (
        "灵活就业人员社保缴费",
        "灵活就业人员可在社保经办窗口或“社保服务”APP 办理参保登记，按月或按年缴纳职工养老保险"
        "和医疗保险，缴费基数在全市上年度平均工资的 60% 至 300% 之间自选。"
        "中断缴费的可在次月续缴，不影响已有缴费年限。",
        "social_insurance",
        "C-RSJ",
        "市人社局灵活就业人员参保办事指南",
        65,
    ),
    (
        "2026 年度社保缴费基数",
        "2026 年 7 月 1 日起，职工社会保险缴费基数下限为 4,494 元/月、上限为 22,470 元/月。"
        "单位应在 7 月底前完成基数申报，逾期按上年度基数预缴。",
        "social_insurance",
        "C-RSJ",
        "市人社局、市税务局关于 2026 年度社保缴费基数的通知",
        50,
    ),
    (
        "住房公积金提取",
        "购买、建造、翻建、大修自住住房，偿还购房贷款本息，租房自住，离职退休等情形可提取住房"
        "公积金。租房提取每年可办理一次，可通过公积金 APP 线上办理，无需提供租赁合同；"
        "购房提取需提供购房合同或不动产权证书，资金 3 个工作日内到账。",
        None,
        "C-ZJJ",
        "市住房公积金管理中心业务指南",
        55,
    ),
    (
        "不动产登记办理时限",
        "一般登记 5 个工作日内办结，抵押登记 1 个工作日内办结，查封登记、异议登记即时办结。"
        "新建商品房转移登记可在“一网通办”平台与水电气过户一并申请，到窗口一次领证。",
        None,
        "C-ZWFW",
        "市政务服务中心不动产登记窗口服务承诺",
        45,
    ),
    (
        "食品经营许可办理时限",
        "食品经营许可自受理之日起 10 个工作日内作出决定；仅销售预包装食品的实行备案，无需许可。"
        "超过承诺时限未办结的，可拨打 12345 反映，由热线派单督办。",
        "biz_approval",
        "C-SCJG",
        "《食品经营许可和备案管理办法》",
        40,
    ),
    (
        "涉企收费和行业协会收费",
        "行业协会商会不得强制企业入会或缴纳会费，不得将入会、缴费与年检、评优挂钩。"
        "园区、物业等向企业摊派费用的，可向发展改革部门举报，热线受理后转办核查。",
        "biz_fees",
        "C-FGW",
        "市发改委涉企收费清单（2026 年版）",
        35,
    ),
    (
        "购房补贴政策适用人群",
        "本市首次购买新建商品住房的高校毕业生、技能人才和多孩家庭，可按购房款的 1% 申请补贴，"
        "最高 3 万元。网签备案后 6 个月内通过“一网通办”提交申请，需提供身份证明、购房合同"
        "和人才或家庭情况证明。",
        "policy_consult",
        "C-ZJJ",
        "市住建局关于促进房地产市场平稳健康发展的若干措施",
        30,
    ),
    (
        "非本市户籍子女入学材料",
        "非本市户籍适龄儿童入读义务教育学校，需提供居住证、实际居住证明、父母一方的社保缴纳"
        "或经营证明，于每年 5 月在入学服务平台报名，由教育部门统筹安排学位。",
        "policy_consult",
        "C-JYJ",
        "市教育局义务教育招生入学工作实施意见",
        25,
    ),
]
# Articles that hold for a period only.
VALIDITY: dict[str, dict[str, date]] = {
    "2026 年度社保缴费基数": {"valid_from": date(2026, 7, 1), "valid_to": date(2027, 6, 30)},
}
# (title of an article above, its new answer, days ago): a later edit, kept as a revision.
EDITS = [
    (
        "住房公积金提取",
        "购买、建造、翻建、大修自住住房，偿还购房贷款本息，租房自住，离职退休等情形可提取住房"
        "公积金。租房提取每年可办理两次，可通过公积金 APP 线上办理，无需提供租赁合同；"
        "购房提取需提供购房合同或不动产权证书，资金 1 个工作日内到账。",
        10,
    )
]
# An answer that no longer holds: kept, out of use.
ARCHIVED = (
    "营业执照年检",
    "企业年检制度已改为年度报告公示制度，每年 1 月 1 日至 6 月 30 日通过国家企业信用信息公示"
    "系统报送上一年度报告，无需到窗口年检。",
    "biz_approval",
    "C-SCJG",
    "《企业信息公示暂行条例》",
    90,
)
# How many consultations waiting in triage the demo answers at source.
ANSWERED_AT_SOURCE = 3


def _supervisor() -> Actor:
    user = db.session.scalar(select(User).where(User.username == "supervisor"))
    return Actor.of(user)


def _write(spec: tuple, actor: Actor, now: datetime, **dates: date | None):
    title, body, category, unit, source, days = spec
    return knowledge.create(
        actor=actor,
        draft=ArticleDraft(
            title=title, body=body, category=category, unit=unit, source=source, **dates
        ),
        now=now - timedelta(days=days),
    )


def load_knowledge(*, now: datetime) -> dict[str, int]:
    """The articles, their edits and archive, then a few consultations closed at source."""
    actor = _supervisor()
    articles = {spec[0]: _write(spec, actor, now, **VALIDITY.get(spec[0], {})) for spec in ARTICLES}
    for title, body, days in EDITS:
        article = articles[title]
        knowledge.update(
            article=article,
            actor=actor,
            draft=ArticleDraft(
                title=article.title,
                body=body,
                category=article.category.code if article.category else None,
                unit=article.unit.code if article.unit else None,
                source=article.source,
            ),
            version=article.version,
            now=now - timedelta(days=days),
        )
    old = _write(ARCHIVED, actor, now)
    knowledge.archive(article=old, actor=actor, version=old.version, now=now - timedelta(days=20))
    return {"articles": len(articles) + 1, "resolved_at_source": _answer_some(now=now)}


def _answer_some(*, now: datetime) -> int:
    """Consultations in triage the knowledge base answers: closed at source a few minutes after
    they were last touched, by the demo operator."""
    operator = Actor.of(db.session.scalar(select(User).where(User.username == "operator")))
    waiting = db.session.scalars(
        select(Ticket)
        .where(Ticket.status == Status.triage, Ticket.kind == Kind.consultation)
        .order_by(Ticket.created_at)
    )
    answered = 0
    for ticket in waiting:
        at = min(ticket.updated_at + timedelta(minutes=6), now)
        best = search.top(ticket.description, on=to_local(at).date(), limit=1)
        if not best:
            continue
        tx.resolve_at_source(ticket, actor=operator, text=best[0].body, article=best[0].id, now=at)
        answered += 1
        if answered == ANSWERED_AT_SOURCE:
            break
    return answered
