// Shared by the forms tests: a small procedure written in the definition format, and the
// shipped locales.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "i18n/i18n.h"
#include "forms/form.h"
#include "procedures/catalog.h"

namespace madoguchi::forms::testing {

inline const char* kTestOrg = R"(departments: {kuminka: {ja: 区民課}}
roles: {tanto: {title: {ja: 担当}, rank: 1}}
categories: {certificates: {ja: 証明書}}
life_events: {moving: {ja: 引越し}}
)";

inline const char* kTestProcedure = R"(id: form-test
source: テスト用
title: {ja: テスト}
summary: {ja: テスト}
department: kuminka
category: certificates
fee: {yen: 300, per_copy_field: copies}
identity: none
processing_days: 1
channels: [online]
route: [tanto]
pages:
  - id: basics
    title: {ja: 基本, en: Basics}
    fields:
      - id: person
        type: name
        label: {ja: 氏名, en: Name}
        required: true
        autocomplete: name
      - id: birth
        type: date
        label: {ja: 生年月日}
        required: true
        min_date: 1900-01-01
        max_date: today
        autocomplete: bday
      - id: phone
        type: phone
        label: {ja: 電話番号}
        required: true
      - id: email
        type: email
        label: {ja: メールアドレス}
      - id: home
        type: address
        label: {ja: 住所}
        required: true
      - id: copies
        type: integer
        label: {ja: 通数}
        required: true
        min: 1
        max: 10
        unit: {ja: 通}
      - id: ratio
        type: number
        label: {ja: 割合}
        max: 100
      - id: code
        type: text
        label: {ja: 金融機関コード}
        pattern: "^[0-9]{4}$"
        pattern_message: {ja: 金融機関コードは4桁の数字で入力してください}
      - id: holder
        type: text
        label: {ja: 口座名義}
        kana: true
      - id: note
        type: textarea
        label: {ja: 被害の内容}
        max_length: 5
      - id: title
        type: text
        label: {ja: 件名}
        min_length: 2
        max_length: 10
  - id: choices
    title: {ja: 選択}
    fields:
      - id: kind
        type: radio
        label: {ja: 種類, en: Kind}
        required: true
        options:
          - {value: quake, label: {ja: 地震, en: Earthquake}}
          - {value: flood, label: {ja: 浸水}}
          - {value: other, label: {ja: その他}}
      - id: kind_other
        type: text
        label: {ja: その他の内容}
        required: true
        visible_if: {field: kind, equals: other}
      - id: parts
        type: checkboxes
        label: {ja: 被害の部分}
        required: true
        options:
          - {value: roof, label: {ja: 屋根}}
          - {value: wall, label: {ja: 外壁}}
          - {value: floor, label: {ja: 床上浸水}}
      - id: depth
        type: integer
        label: {ja: 浸水の深さ}
        visible_if: {field: parts, equals: floor}
      - id: pick
        type: select
        label: {ja: 区分}
        options:
          - {value: a, label: {ja: A}}
          - {value: b, label: {ja: B}}
      - id: agree
        type: yesno
        label: {ja: 同意しますか}
        required: true
  - id: family
    title: {ja: 家族}
    fields:
      - id: children
        type: group
        label: {ja: 子ども, en: Child}
        min_items: 1
        max_items: 3
        fields:
          - id: name
            type: name
            label: {ja: 氏名}
            required: true
          - id: together
            type: yesno
            label: {ja: 同居していますか}
            required: true
          - id: address
            type: address
            label: {ja: 子どもの住所}
            required: true
            visible_if: {field: together, equals: "no"}
          - id: born
            type: date
            label: {ja: 子どもの生年月日}
            visible_if: {field: together, equals: "yes"}
      - id: bank
        type: fieldset
        label: {ja: 口座}
        visible_if: {field: agree, equals: "yes"}
        fields:
          - id: bank_name
            type: text
            label: {ja: 金融機関名}
            required: true
  - id: files
    title: {ja: 添付}
    fields:
      - id: photos
        type: file
        label: {ja: 写真}
        required: true
        accept: [image/jpeg, image/png]
        max_files: 2
  - id: other-only
    title: {ja: その他のとき}
    visible_if: {field: kind, equals: other}
    fields:
      - id: other_detail
        type: text
        label: {ja: 詳しい内容}
        visible_if: {field: kind_other, not_empty: true}
)";

class FormsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto l = Locales::load(MADOGUCHI_SOURCE_DIR "/locales");
    ASSERT_TRUE(l.ok()) << l.status().message();
    locales_ = new Locales(std::move(l.value()));
    std::vector<procedures::Problem> problems;
    auto org = procedures::parse_organisation(kTestOrg, "org.yaml", &problems);
    ASSERT_TRUE(org.ok());
    auto p = procedures::parse_procedure(kTestProcedure, "form-test.yaml", org.value(), &problems);
    std::string all;
    for (const auto& pr : problems) all += std::to_string(pr.line) + ": " + pr.message + "\n";
    ASSERT_TRUE(p.ok()) << all;
    proc_ = new procedures::Procedure(std::move(p.value()));
  }
  static void TearDownTestSuite() {
    delete proc_;
    delete locales_;
  }

  Context ctx(const std::string& locale = "ja") const {
    return Context{*locales_, locale, Date{2025, 4, 1}};
  }
  const procedures::Page& page(const std::string& id) const {
    for (const auto& p : proc_->pages) {
      if (p.id == id) return p;
    }
    throw std::runtime_error("no page " + id);
  }
  // apply_page with no uploads.
  std::vector<FieldError> post(const std::string& page_id, const Posted& posted, Json* answers,
                               const std::string& locale = "ja") const {
    return apply_page(*proc_, page(page_id), posted, {}, answers, ctx(locale));
  }
  static const FieldError* find(const std::vector<FieldError>& errors, const std::string& html_id) {
    for (const auto& e : errors) {
      if (e.html_id == html_id) return &e;
    }
    return nullptr;
  }

  static inline Locales* locales_ = nullptr;
  static inline procedures::Procedure* proc_ = nullptr;
};

}  // namespace madoguchi::forms::testing
