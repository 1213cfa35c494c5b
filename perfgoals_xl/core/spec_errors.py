"""What is wrong with a `fill` data file, in Chinese: pydantic's validation errors (the key path, the field's
Chinese name and the problem) and JSON/YAML syntax errors (line and column)."""

from __future__ import annotations

import re
import types
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from perfgoals_xl.core.specs import DepartmentSpec, ProjectSpec, SpecFile

MAX_LISTED = 8  # errors listed one by one; the rest are counted
KINDS = {"project": ProjectSpec, "department": DepartmentSpec}

# pydantic error type → the problem in Chinese (ctx keys in braces)
PROBLEMS = {
    "missing": "缺少此项",
    "extra_forbidden": "不认识这一项（拼写有误，或不属于这张表）",
    "string_type": "应为文字",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数，不能有小数",
    "float_type": "应为数字",
    "float_parsing": "应为数字（不带单位）",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "list_type": "应为列表（每项以“- ”开头）",
    "model_type": "应为“键: 值”形式的一组内容",
    "dict_type": "应为“键: 值”形式的一组内容",
    "literal_error": "只能是 {expected} 之一",
    "union_tag_invalid": "kind 只能是 project（项目支出）或 department（部门整体支出），当前为 {tag}",
    "union_tag_not_found": "缺少 kind：project（项目支出）或 department（部门整体支出）",
    "string_too_long": "文字过长（至多 {max_length} 个字符）",
}


def describe_validation_error(error: ValidationError, prefix: str = "") -> str:
    """One line per problem: `table → indicators 第 2 项 → level2（二级指标）：缺少此项`."""
    lines = []
    for item in error.errors()[:MAX_LISTED]:
        path, label = key_path(tuple(item["loc"]))
        problem = PROBLEMS.get(item["type"], "取值无效")
        try:
            problem = problem.format(**_chinese_ctx(item.get("ctx") or {}))
        except (KeyError, IndexError):
            problem = PROBLEMS.get(item["type"], "取值无效").split("{")[0].rstrip("，：")
        where = f"{path}（{label}）" if label else path or "文件的最外层"
        lines.append(f"{prefix}{where}：{problem}")
    more = error.error_count() - MAX_LISTED
    if more > 0:
        lines.append(f"另有 {more} 处问题。")
    return "\n".join(lines)


def _chinese_ctx(ctx: dict[str, Any]) -> dict[str, str]:
    return {
        key: str(value).replace("' or '", "、").replace("', '", "、").strip("'") for key, value in ctx.items()
    }


def key_path(loc: tuple[int | str, ...]) -> tuple[str, str | None]:
    """(`table → indicators 第 2 项 → level2`, the last key's Chinese name from the models' descriptions)."""
    model: Any = SpecFile
    parts: list[str] = []
    label = None
    for index, key in enumerate(loc):
        if isinstance(key, int):
            parts[-1] = f"{parts[-1]} 第 {key + 1} 项" if parts else f"第 {key + 1} 项"
            continue
        if index == 1 and loc[0] == "table" and key in KINDS:
            model = KINDS[key]  # pydantic names the union's member in the path; the file does not
            continue
        parts.append(key)
        field = (
            model.model_fields.get(key) if isinstance(model, type) and issubclass(model, BaseModel) else None
        )
        label = _label(field.description) if field is not None else None
        model = _inner_model(field.annotation) if field is not None else None
    return " → ".join(parts), label


def _label(description: str | None) -> str | None:
    return re.split(r"[，：；（(]", description)[0] if description else None


def _inner_model(annotation: Any) -> Any:
    """The model a field holds (itself, in a list, or among the members of a union)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) in (list, Union, types.UnionType):
        return next((m for a in get_args(annotation) if (m := _inner_model(a)) is not None), None)
    return None


# --- JSON and YAML syntax ------------------------------------------------------------------------------------

JSON_PROBLEMS = {
    "Expecting value": "此处缺少值",
    "Expecting ',' delimiter": "缺少逗号“,”",
    "Expecting ':' delimiter": "缺少冒号“:”",
    "Expecting property name enclosed in double quotes": "键名须用英文双引号括起，最后一项后不能有逗号",
    "Unterminated string starting at": "文字缺少结尾的英文双引号",
    "Invalid control character at": "文字中有换行或控制字符（换行请写作 \\n）",
    "Extra data": "内容结束后还有多余的文字",
}
YAML_PROBLEMS = {
    "mapping values are not allowed here": "此处不能出现“键: 值”（冒号后的文字如含“: ”，请加引号）",
    "could not find expected ':'": "缺少冒号“:”",
    "found character '\\t' that cannot start any token": "不能用 Tab 缩进，请用空格",
    "found a tab character": "不能用 Tab 缩进，请用空格",
    "expected <block end>, but found": "缩进不一致",
    "did not find expected key": "缩进不一致或缺少“键:”",
    "did not find expected '-' indicator": "列表项缩进不一致",
    "found unexpected end of stream": "文字缺少结尾的引号",
    "found undefined alias": "引用了未定义的别名（*…）",
}


def describe_json_error(error: Any) -> str:
    """`第 3 行第 5 列：缺少逗号“,”` from a json.JSONDecodeError."""
    problem = next((zh for en, zh in JSON_PROBLEMS.items() if error.msg.startswith(en)), "JSON 语法错误")
    return f"第 {error.lineno} 行第 {error.colno} 列：{problem}"


def describe_yaml_error(error: Any) -> str:
    """`第 3 行第 5 列：缺少冒号“:”` from a yaml.MarkedYAMLError (its marks count from 0)."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    text = str(getattr(error, "problem", "") or "")
    problem = next((zh for en, zh in YAML_PROBLEMS.items() if text.startswith(en)), "YAML 语法错误")
    return f"第 {mark.line + 1} 行第 {mark.column + 1} 列：{problem}" if mark is not None else problem
