<?xml version="1.0" encoding="UTF-8"?>
<!--
  Schematron (ISO, queryBinding xslt2) to XSLT 2.0 compiler for the subset used by
  the official FSE 2.0 rule files: schema/ns/pattern/rule/let/assert/report,
  name and value-of in messages, foreign xsl:* instructions inside messages and lets.

  Output: a stylesheet that, applied to a document, produces
    <svrl:schematron-output>
      <svrl:active-pattern id=".."/>
      <svrl:fired-rule context=".."/>
      <svrl:failed-assert test=".." location=".." label=".."><svrl:text>..</svrl:text></svrl:failed-assert>
      <svrl:successful-report test=".." location=".." label=".."><svrl:text>..</svrl:text></svrl:successful-report>
    </svrl:schematron-output>

  Semantics:
  * each pattern is one mode (M0, M1, ...), all patterns run from the document node in file order;
  * each rule is one template in its pattern's mode, matching the rule context as an XSLT pattern,
    with priority decreasing in file order, so a node is handled by the first matching rule only;
    after the checks the template continues with the child elements;
  * unmatched nodes fall through to a built-in template that continues with the child elements;
  * rule-level let = local xsl:variable at the top of the template, pattern-level let = global
    xsl:variable, schema-level let = global xsl:variable;
  * assert reports when its test is false, report when its test is true;
  * name = name() of the context node (or of @path), value-of = xsl:value-of;
  * label = normalize-space of the message text before the first '|' (first word if there is no '|').
-->
<xsl:stylesheet version="2.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:sch="http://purl.oclc.org/dsdl/schematron"
    xmlns:svrl="http://purl.oclc.org/dsdl/svrl"
    xmlns:axsl="urn:x-fse:alias-xsl"
    exclude-result-prefixes="xs sch">

  <xsl:namespace-alias stylesheet-prefix="axsl" result-prefix="xsl"/>
  <xsl:output method="xml" indent="no"/>

  <xsl:variable name="XSL" select="'http://www.w3.org/1999/XSL/Transform'"/>

  <xsl:template match="/">
    <xsl:apply-templates select="sch:schema"/>
  </xsl:template>

  <xsl:template match="sch:schema">
    <xsl:if test="@queryBinding and not(lower-case(@queryBinding) = ('xslt2', 'xslt3'))">
      <xsl:message terminate="yes">unsupported queryBinding: <xsl:value-of select="@queryBinding"/></xsl:message>
    </xsl:if>
    <xsl:for-each select="sch:include | sch:extends | sch:phase | sch:diagnostics | sch:pattern[@abstract = 'true'] | sch:pattern[@is-a] | .//sch:rule[@abstract = 'true']">
      <xsl:message terminate="yes">unsupported schematron construct: <xsl:value-of select="name()"/></xsl:message>
    </xsl:for-each>
    <axsl:stylesheet version="2.0">
      <xsl:for-each select="sch:ns">
        <xsl:namespace name="{@prefix}" select="string(@uri)"/>
      </xsl:for-each>
      <axsl:output method="xml" indent="no"/>

      <xsl:apply-templates select="sch:let" mode="global"/>
      <xsl:apply-templates select="sch:pattern/sch:let" mode="global"/>

      <axsl:template match="/">
        <svrl:schematron-output>
          <xsl:for-each select="sch:pattern">
            <svrl:active-pattern>
              <xsl:if test="@id">
                <xsl:attribute name="id" select="@id"/>
              </xsl:if>
            </svrl:active-pattern>
            <axsl:apply-templates select="/" mode="M{position() - 1}"/>
          </xsl:for-each>
        </svrl:schematron-output>
      </axsl:template>

      <xsl:for-each select="sch:pattern">
        <xsl:variable name="mode" select="concat('M', position() - 1)"/>
        <xsl:variable name="rules" select="sch:rule"/>
        <xsl:for-each select="$rules">
          <xsl:apply-templates select="." mode="rule">
            <xsl:with-param name="mode" select="$mode"/>
            <xsl:with-param name="priority" select="1000 + count($rules) - position()"/>
          </xsl:apply-templates>
        </xsl:for-each>
        <axsl:template match="text()" priority="-1" mode="{$mode}"/>
        <axsl:template match="@*|node()" priority="-2" mode="{$mode}">
          <axsl:apply-templates select="*" mode="{$mode}"/>
        </axsl:template>
      </xsl:for-each>

      <axsl:function name="svrl:location">
        <axsl:param name="n"/>
        <axsl:value-of separator="">
          <axsl:for-each select="$n/ancestor-or-self::*">
            <axsl:variable name="q" select="node-name(.)"/>
            <axsl:sequence select="concat('/*:', local-name(), '[namespace-uri()=''', namespace-uri(), '''][', count(preceding-sibling::*[node-name(.) = $q]) + 1, ']')"/>
          </axsl:for-each>
          <axsl:if test="$n/self::attribute()">
            <axsl:sequence select="concat('/@', name($n))"/>
          </axsl:if>
        </axsl:value-of>
      </axsl:function>
    </axsl:stylesheet>
  </xsl:template>

  <!-- lets -->
  <xsl:template match="sch:let" mode="global local">
    <axsl:variable name="{@name}">
      <xsl:choose>
        <xsl:when test="@value">
          <xsl:attribute name="select" select="@value"/>
        </xsl:when>
        <xsl:otherwise>
          <xsl:apply-templates select="node()" mode="foreign"/>
        </xsl:otherwise>
      </xsl:choose>
    </axsl:variable>
  </xsl:template>

  <!-- rules -->
  <xsl:template match="sch:rule" mode="rule">
    <xsl:param name="mode" as="xs:string"/>
    <xsl:param name="priority" as="xs:integer"/>
    <xsl:if test="not(@context)">
      <xsl:message terminate="yes">rule without context</xsl:message>
    </xsl:if>
    <axsl:template match="{@context}" priority="{$priority}" mode="{$mode}">
      <svrl:fired-rule>
        <xsl:attribute name="context" select="replace(replace(@context, '\{', '{{'), '\}', '}}')"/>
      </svrl:fired-rule>
      <xsl:apply-templates select="sch:let" mode="local"/>
      <xsl:apply-templates select="sch:assert | sch:report" mode="check"/>
      <axsl:apply-templates select="*" mode="{$mode}"/>
    </axsl:template>
  </xsl:template>

  <xsl:template match="sch:assert" mode="check">
    <axsl:choose>
      <axsl:when test="{@test}"/>
      <axsl:otherwise>
        <svrl:failed-assert>
          <xsl:call-template name="outcome-body"/>
        </svrl:failed-assert>
      </axsl:otherwise>
    </axsl:choose>
  </xsl:template>

  <xsl:template match="sch:report" mode="check">
    <axsl:if test="{@test}">
      <svrl:successful-report>
        <xsl:call-template name="outcome-body"/>
      </svrl:successful-report>
    </axsl:if>
  </xsl:template>

  <xsl:template name="outcome-body">
    <xsl:variable name="text" select="string-join(.//text()[not(ancestor::*[namespace-uri() = $XSL])], '')"/>
    <xsl:variable name="label" select="if (contains($text, '|'))
                                         then normalize-space(substring-before($text, '|'))
                                         else tokenize(normalize-space($text), ' ')[1]"/>
    <xsl:attribute name="test" select="replace(replace(@test, '\{', '{{'), '\}', '}}')"/>
    <xsl:attribute name="label" select="replace(replace($label, '\{', '{{'), '\}', '}}')"/>
    <axsl:attribute name="location" select="svrl:location(.)"/>
    <svrl:text>
      <xsl:apply-templates select="node()" mode="message"/>
    </svrl:text>
  </xsl:template>

  <!-- message content -->
  <xsl:template match="text()" mode="message">
    <axsl:text>
      <xsl:value-of select="."/>
    </axsl:text>
  </xsl:template>

  <xsl:template match="sch:name" mode="message">
    <axsl:value-of select="name({if (@path) then @path else '.'})"/>
  </xsl:template>

  <xsl:template match="sch:value-of" mode="message">
    <axsl:value-of select="{@select}"/>
  </xsl:template>

  <xsl:template match="sch:emph | sch:dir | sch:span" mode="message">
    <xsl:apply-templates select="node()" mode="message"/>
  </xsl:template>

  <xsl:template match="*[namespace-uri() = $XSL]" mode="message">
    <xsl:apply-templates select="." mode="foreign"/>
  </xsl:template>

  <xsl:template match="*" mode="message">
    <xsl:apply-templates select="node()" mode="message"/>
  </xsl:template>

  <xsl:template match="comment() | processing-instruction()" mode="message"/>

  <!-- foreign XSLT instructions are copied into the generated stylesheet -->
  <xsl:template match="*[namespace-uri() = $XSL]" mode="foreign">
    <xsl:element name="xsl:{local-name()}" namespace="{$XSL}">
      <xsl:copy-of select="@*"/>
      <xsl:apply-templates select="node()" mode="foreign"/>
    </xsl:element>
  </xsl:template>

  <xsl:template match="sch:name | sch:value-of" mode="foreign">
    <xsl:apply-templates select="." mode="message"/>
  </xsl:template>

  <xsl:template match="*" mode="foreign">
    <xsl:apply-templates select="node()" mode="foreign"/>
  </xsl:template>

  <xsl:template match="text()" mode="foreign">
    <xsl:if test="normalize-space(.) != ''">
      <axsl:text>
        <xsl:value-of select="."/>
      </axsl:text>
    </xsl:if>
  </xsl:template>

  <xsl:template match="comment() | processing-instruction()" mode="foreign"/>

</xsl:stylesheet>
