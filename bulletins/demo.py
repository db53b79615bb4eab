"""Demo content for `make run`: one published issue, written for this project."""

DEMO_ISSUE = {
    "number": 1,
    "title": "产业一周要闻",
    "editors_note": "欢迎阅读 Newsroom 演示期刊。本期内容为演示而撰写，仅用于展示版式与功能。",
    "sections": [
        {
            "number": 1,
            "title": "网络安全一周要闻",
            "slug": "网络安全一周要闻",
            "items": [
                {
                    "title": "某市政务云完成年度攻防演练 暴露问题均已闭环整改",
                    "body": (
                        "本周，某市政务云平台完成了为期五天的年度攻防演练。演练邀请了十余支"
                        "红队，围绕身份认证、边界防护和数据备份三个方向展开。\n"
                        "运营方表示，演练共发现中高危问题 23 项，目前均已完成整改和复测。"
                        "下一步将把演练中总结的处置流程写入日常值守手册。"
                    ),
                    "source": "Newsroom 编辑部",
                },
                {
                    "title": "开源组件供应链风险受关注 多家企业建立软件物料清单",
                    "body": (
                        "随着开源组件在企业软件中的占比不断提高，软件物料清单（SBOM）逐渐成为"
                        "安全团队的常规工具。受访的几家企业表示，清单让漏洞响应从“逐个排查”"
                        "变成了“按图索骥”。\n"
                        "业内人士提醒，清单本身也需要持续维护，否则很快就会与实际部署脱节。"
                    ),
                },
            ],
        },
        {
            "number": 2,
            "title": "半导体行业一周要闻",
            "slug": "半导体行业一周要闻",
            "items": [
                {
                    "title": "先进封装产能持续扩张 Chiplet 设计走向主流",
                    "picture": {
                        "drawing": "wafer",
                        "alt": (
                            "一片晶圆示意图：圆形晶圆上排列着整齐的蓝色方形裸片，中间几片为红色。"
                        ),
                        "caption": "晶圆上的裸片（示意图）",
                        "credit": "Newsroom 编辑部绘制",
                    },
                    "body": (
                        "多家封测厂商本周公布扩产计划，新增产能主要面向 2.5D 和 3D 先进封装。"
                        "分析认为，Chiplet 设计让芯片厂商可以把不同工艺的裸片组合在一起，"
                        "从而在成本和性能之间取得更好的平衡。\n"
                        "不过，互连标准、测试方法和散热设计仍是行业需要共同解决的问题。"
                    ),
                },
                {
                    "title": "车规级芯片国产化提速 验证周期仍是主要门槛",
                    "body": (
                        "在新能源汽车需求带动下，国内车规级 MCU 和功率器件的出货量稳步增长。"
                        "整车企业普遍表示愿意导入更多本土供应商。\n"
                        "但车规认证和上车验证往往需要两到三年，如何缩短验证周期，"
                        "是供应商接下来要面对的现实问题。"
                    ),
                },
                {
                    "title": "晶圆厂节能改造见成效 单片能耗同比下降",
                    "picture": {
                        "drawing": "bars",
                        "alt": "柱状图：连续五个季度的单片能耗，柱子逐季降低，最后一季为红色。",
                        "caption": "单片能耗逐季下降（示意图，非真实数据）",
                        "credit": "Newsroom 编辑部绘制",
                    },
                    "body": (
                        "一家晶圆代工厂公布的可持续发展报告显示，通过更换高效冷水机组和"
                        "回收工艺余热，其单片晶圆能耗同比下降约 8%。"
                    ),
                },
            ],
        },
        {
            "number": 3,
            "title": "通信行业一周要闻",
            "slug": "通信行业一周要闻",
            "items": [
                {
                    "title": "5G-A 试点扩展至更多城市 低空通信成为新场景",
                    "body": (
                        "运营商本周宣布，5G-A 网络试点将扩展到更多城市，重点验证通感一体、"
                        "无源物联和低空通信等能力。\n"
                        "在低空通信场景中，网络需要同时服务地面用户和数百米高度的无人机，"
                        "这对天线设计和干扰协调都提出了新要求。"
                    ),
                },
                {
                    "title": "Wi-Fi 7 路由器价格下探 家庭用户开始尝鲜",
                    "body": (
                        "随着芯片方案成熟，Wi-Fi 7 路由器的入门价格已降至数百元。"
                        "测试显示，在多设备同时在线的家庭环境中，新标准的多链路操作"
                        "能够明显降低视频通话的卡顿。"
                    ),
                    "source": "Newsroom 评测室",
                },
            ],
        },
    ],
}


def draw_picture(drawing, size=(1600, 1000)):
    """A demo picture drawn here (a wafer of dies, or a bar chart), as PNG bytes."""
    from io import BytesIO

    from PIL import Image, ImageDraw

    width, height = size
    image = Image.new("RGB", size, "#f4f1ea")
    draw = ImageDraw.Draw(image)
    if drawing == "wafer":
        cx, cy, radius, die = width // 2, height // 2, height * 44 // 100, 56
        draw.ellipse([cx - radius, cy - radius, cx + radius, cy + radius], fill="#c9ced6")
        for x in range(cx - radius, cx + radius, die):
            for y in range(cy - radius, cy + radius, die):
                corner = max((x - cx) ** 2, (x + die - cx) ** 2) + max(
                    (y - cy) ** 2, (y + die - cy) ** 2
                )
                if corner < (radius - 12) ** 2:
                    central = abs(x + die // 2 - cx) < 2 * die and abs(y + die // 2 - cy) < die
                    colour = "#a4262c" if central else "#1d4f91"
                    draw.rectangle([x + 4, y + 4, x + die - 4, y + die - 4], fill=colour)
    else:
        base = height * 85 // 100
        draw.line([120, base, width - 120, base], fill="#57606a", width=6)
        for n, value in enumerate([0.92, 0.85, 0.8, 0.71, 0.64]):
            left = 200 + n * (width - 400) // 5
            top = base - int(value * (height * 7 // 10))
            draw.rectangle([left, top, left + 160, base], fill="#a4262c" if n == 4 else "#1d4f91")
    out = BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


DEMO_EDITOR = {"username": "editor", "password": "newsroom-editor"}
