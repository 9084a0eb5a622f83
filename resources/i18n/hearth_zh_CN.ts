<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AboutDialog</name>
    <message>
        <location filename="../../app/about_dialog.py" line="60"/>
        <source>About Hearth</source>
        <translation>关于 Hearth</translation>
    </message>
    <message>
        <location filename="../../app/about_dialog.py" line="73"/>
        <source>&lt;h2&gt;Hearth {version}&lt;/h2&gt;&lt;p&gt;An offline assistant for local Gemma 3 models.&lt;br&gt;Nothing you type, drop or store leaves this computer.&lt;/p&gt;</source>
        <translation>&lt;h2&gt;Hearth {version}&lt;/h2&gt;&lt;p&gt;使用本地 Gemma 3 模型的离线助手。&lt;br&gt;你输入、拖入或保存的任何内容都不会离开这台电脑。&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../../app/about_dialog.py" line="85"/>
        <source>Build information</source>
        <translation>构建信息</translation>
    </message>
    <message>
        <location filename="../../app/about_dialog.py" line="86"/>
        <location filename="../../app/about_dialog.py" line="105"/>
        <source>Component</source>
        <translation>组件</translation>
    </message>
    <message>
        <location filename="../../app/about_dialog.py" line="86"/>
        <location filename="../../app/about_dialog.py" line="105"/>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <location filename="../../app/about_dialog.py" line="91"/>
        <source>Copy build information</source>
        <translation>复制构建信息</translation>
    </message>
    <message>
        <location filename="../../app/about_dialog.py" line="99"/>
        <source>Build</source>
        <translation>构建</translation>
    </message>
    <message>
        <location filename="../../app/about_dialog.py" line="103"/>
        <source>Bundled components and their licences</source>
        <translation>随附组件及其许可证</translation>
    </message>
    <message>
        <location filename="../../app/about_dialog.py" line="105"/>
        <source>Licence</source>
        <translation>许可证</translation>
    </message>
    <message>
        <location filename="../../app/about_dialog.py" line="114"/>
        <source>Licence text</source>
        <translation>许可证文本</translation>
    </message>
    <message>
        <location filename="../../app/about_dialog.py" line="121"/>
        <source>Licences</source>
        <translation>许可证</translation>
    </message>
    <message>
        <location filename="../../app/about_dialog.py" line="123"/>
        <source>Reading the build information…</source>
        <translation>正在读取构建信息…</translation>
    </message>
    <message>
        <location filename="../../app/about_dialog.py" line="167"/>
        <source>{count} components, listed from their own package metadata, and {notes} notes.</source>
        <translation>{count} 个组件（取自各自的软件包元数据），另有 {notes} 条说明。</translation>
    </message>
    <message>
        <location filename="../../app/about_dialog.py" line="175"/>
        <source>The build information could not be read: {error}</source>
        <translation>无法读取构建信息：{error}</translation>
    </message>
    <message>
        <location filename="../../app/about_dialog.py" line="191"/>
        <source>Licence: {license}</source>
        <translation>许可证：{license}</translation>
    </message>
    <message>
        <location filename="../../app/about_dialog.py" line="201"/>
        <source>Its licence is given in the note “{note}”:</source>
        <translation>其许可证见说明“{note}”：</translation>
    </message>
    <message>
        <location filename="../../app/about_dialog.py" line="207"/>
        <source>This package ships no licence file in its metadata.</source>
        <translation>此软件包的元数据中没有附带许可证文件。</translation>
    </message>
</context>
<context>
    <name>ApiServerPage</name>
    <message>
        <location filename="../../app/api_server_page.py" line="133"/>
        <source>Hide</source>
        <translation>隐藏</translation>
    </message>
    <message>
        <location filename="../../app/api_server_page.py" line="133"/>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <location filename="../../app/api_server_page.py" line="155"/>
        <source>Start the server with the command above; it serves the chosen model to programs on this computer only (127.0.0.1), with its own copy of the model. Programs must send the token as &apos;Authorization: Bearer &lt;token&gt;&apos;.</source>
        <translation>用上面的命令启动服务器；它只向本机上的程序（127.0.0.1）提供所选模型，并使用自己的一份模型副本。程序必须以 &apos;Authorization: Bearer &lt;token&gt;&apos; 发送令牌。</translation>
    </message>
    <message>
        <location filename="../../app/api_server_page.py" line="163"/>
        <source>Off: Hearth opens no network socket, and &apos;hearth-cli serve&apos; refuses to start.</source>
        <translation>关闭：Hearth 不打开任何网络套接字，&apos;hearth-cli serve&apos; 也会拒绝启动。</translation>
    </message>
    <message>
        <location filename="../../app/api_server_page.py" line="170"/>
        <source>Allow the local API server (OpenAI-compatible)</source>
        <translation>允许本地 API 服务器（兼容 OpenAI）</translation>
    </message>
    <message>
        <location filename="../../app/api_server_page.py" line="173"/>
        <source>Port:</source>
        <translation>端口：</translation>
    </message>
    <message>
        <location filename="../../app/api_server_page.py" line="173"/>
        <source>Address:</source>
        <translation>地址：</translation>
    </message>
    <message>
        <location filename="../../app/api_server_page.py" line="173"/>
        <source>Token:</source>
        <translation>令牌：</translation>
    </message>
    <message>
        <location filename="../../app/api_server_page.py" line="173"/>
        <source>Command:</source>
        <translation>命令：</translation>
    </message>
    <message>
        <location filename="../../app/api_server_page.py" line="177"/>
        <location filename="../../app/api_server_page.py" line="178"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../app/api_server_page.py" line="179"/>
        <source>New token</source>
        <translation>新令牌</translation>
    </message>
    <message>
        <location filename="../../app/api_server_page.py" line="182"/>
        <source>Let editors and scripts on this computer use Hearth&apos;s model</source>
        <translation>让本机上的编辑器和脚本使用 Hearth 的模型</translation>
    </message>
    <message>
        <location filename="../../app/api_server_page.py" line="185"/>
        <source>Make a new token; programs using the old one stop working</source>
        <translation>生成新令牌；使用旧令牌的程序将无法继续工作</translation>
    </message>
    <message>
        <location filename="../../app/api_server_page.py" line="187"/>
        <source>API token</source>
        <translation>API 令牌</translation>
    </message>
    <message>
        <location filename="../../app/api_server_page.py" line="188"/>
        <source>API address</source>
        <translation>API 地址</translation>
    </message>
    <message>
        <location filename="../../app/api_server_page.py" line="189"/>
        <source>API server port</source>
        <translation>API 服务器端口</translation>
    </message>
</context>
<context>
    <name>ChatModel</name>
    <message>
        <location filename="../../app/chat/model.py" line="88"/>
        <source>You</source>
        <translation>你</translation>
    </message>
    <message>
        <location filename="../../app/chat/model.py" line="90"/>
        <source>Hearth</source>
        <translation>Hearth</translation>
    </message>
</context>
<context>
    <name>ChatView</name>
    <message>
        <location filename="../../app/chat/view.py" line="187"/>
        <source>Copy message</source>
        <translation>复制消息</translation>
    </message>
    <message>
        <location filename="../../app/chat/view.py" line="191"/>
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <location filename="../../app/chat/view.py" line="196"/>
        <source>Continue</source>
        <translation>继续</translation>
    </message>
    <message>
        <location filename="../../app/chat/view.py" line="201"/>
        <source>Edit and resend</source>
        <translation>编辑并重新发送</translation>
    </message>
    <message>
        <location filename="../../app/chat/view.py" line="207"/>
        <source>Previous version</source>
        <translation>上一个版本</translation>
    </message>
    <message>
        <location filename="../../app/chat/view.py" line="211"/>
        <source>Next version</source>
        <translation>下一个版本</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <location filename="../../app/composer/composer.py" line="245"/>
        <source>Attach images or documents</source>
        <translation>附加图像或文档</translation>
    </message>
    <message>
        <location filename="../../app/composer/composer.py" line="248"/>
        <source>Images and documents (*.png *.jpg *.jpeg *.webp *.gif *.bmp *.tif *.tiff *.pdf *.docx *.html *.htm *.md *.txt *.epub);;All files (*)</source>
        <translation>图像和文档 (*.png *.jpg *.jpeg *.webp *.gif *.bmp *.tif *.tiff *.pdf *.docx *.html *.htm *.md *.txt *.epub);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../app/composer/composer.py" line="272"/>
        <source>{name} is neither an image nor a document Hearth can read (PDF, DOCX, HTML, Markdown, text, EPUB).</source>
        <translation>{name} 既不是图像，也不是 Hearth 能读取的文档（PDF、DOCX、HTML、Markdown、文本、EPUB）。</translation>
    </message>
    <message>
        <location filename="../../app/composer/composer.py" line="288"/>
        <source>pasted-{id}.png</source>
        <translation>粘贴-{id}.png</translation>
    </message>
    <message>
        <location filename="../../app/composer/composer.py" line="360"/>
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <location filename="../../app/composer/composer.py" line="361"/>
        <source>Your message: Enter sends, Shift+Enter starts a new line</source>
        <translation>你的消息：Enter 发送，Shift+Enter 换行</translation>
    </message>
    <message>
        <location filename="../../app/composer/composer.py" line="364"/>
        <source>Message Hearth (Enter sends, Shift+Enter: new line). Drop images or documents here.</source>
        <translation>给 Hearth 发消息（Enter 发送，Shift+Enter 换行）。可将图像或文档拖放到这里。</translation>
    </message>
    <message>
        <location filename="../../app/composer/composer.py" line="368"/>
        <source>Attach images or documents (Ctrl+O)</source>
        <translation>附加图像或文档 (Ctrl+O)</translation>
    </message>
    <message>
        <location filename="../../app/composer/composer.py" line="369"/>
        <source>Attach files</source>
        <translation>附加文件</translation>
    </message>
    <message>
        <location filename="../../app/composer/composer.py" line="370"/>
        <location filename="../../app/composer/composer.py" line="372"/>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <location filename="../../app/composer/composer.py" line="371"/>
        <source>Send the message (Enter)</source>
        <translation>发送消息 (Enter)</translation>
    </message>
    <message>
        <location filename="../../app/composer/composer.py" line="373"/>
        <source>■ Stop</source>
        <translation>■ 停止</translation>
    </message>
    <message>
        <location filename="../../app/composer/composer.py" line="374"/>
        <source>Stop the answer (Esc)</source>
        <translation>停止回答 (Esc)</translation>
    </message>
    <message>
        <location filename="../../app/composer/composer.py" line="375"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../app/composer/composer.py" line="377"/>
        <source>Editing a message: sending keeps the old version as a branch.</source>
        <translation>正在编辑消息：发送后旧版本会作为分支保留。</translation>
    </message>
    <message>
        <location filename="../../app/composer/composer.py" line="379"/>
        <location filename="../../app/composer/composer.py" line="381"/>
        <source>Cancel edit</source>
        <translation>取消编辑</translation>
    </message>
    <message>
        <location filename="../../app/composer/composer.py" line="380"/>
        <source>Leave editing without sending (Esc)</source>
        <translation>不发送并退出编辑 (Esc)</translation>
    </message>
</context>
<context>
    <name>ContextMeter</name>
    <message>
        <location filename="../../app/status_panel.py" line="48"/>
        <source>context %p%</source>
        <translation>上下文 %p%</translation>
    </message>
    <message>
        <location filename="../../app/status_panel.py" line="49"/>
        <source>Context used</source>
        <translation>已用上下文</translation>
    </message>
    <message>
        <location filename="../../app/status_panel.py" line="51"/>
        <source>{used} of {size} tokens of the model&apos;s context are used by this conversation. Hearth never drops old messages silently: it warns you before the context is full.</source>
        <translation>此对话占用了模型上下文 {size} 个词元中的 {used} 个。Hearth 从不悄悄丢弃旧消息：在上下文用满之前会提醒你。</translation>
    </message>
</context>
<context>
    <name>CropCanvas</name>
    <message>
        <location filename="../../app/vision/image_preview.py" line="125"/>
        <source>zoom</source>
        <translation>放大</translation>
    </message>
</context>
<context>
    <name>DocumentCard</name>
    <message>
        <location filename="../../app/documents/document_card.py" line="242"/>
        <source>Reading… page {done} of {total}</source>
        <translation>正在读取… 第 {done} 页，共 {total} 页</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="243"/>
        <source>Reading…</source>
        <translation>正在读取…</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/documents/document_card.py" line="249"/>
        <source>%n page(s)</source>
        <translation>
            <numerusform>%n 页</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="253"/>
        <source>{tokens} tokens</source>
        <translation>{tokens} 个词元</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="256"/>
        <source>fits in the context ({n} tokens)</source>
        <translation>可以放入上下文（{n} 个词元）</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="261"/>
        <source>does not fit in the context ({n} tokens): it will be summarized in {chunks} parts</source>
        <translation>无法放入上下文（{n} 个词元）：将分 {chunks} 部分进行摘要</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="282"/>
        <source>Summarizing part {done} of {total}</source>
        <translation>正在摘要第 {done} 部分，共 {total} 部分</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="286"/>
        <source>Summarized all {total} parts</source>
        <translation>已完成全部 {total} 部分的摘要</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="295"/>
        <source>Combining the {total} part summaries</source>
        <translation>正在合并 {total} 个部分摘要</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/documents/document_card.py" line="297"/>
        <source>%n part(s) resumed from before</source>
        <translation>
            <numerusform>%n 个部分沿用之前的结果</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="301"/>
        <source>about {eta} left</source>
        <translation>剩余约 {eta}</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="350"/>
        <source>Summarize</source>
        <translation>摘要</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="352"/>
        <source>Summarize the whole document, part by part, with page references</source>
        <translation>逐部分摘要整个文档，并附页码引用</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="354"/>
        <source>Summarize the document</source>
        <translation>摘要此文档</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="355"/>
        <source>Ask about it</source>
        <translation>就此提问</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="359"/>
        <source>Ask about the document</source>
        <translation>就文档提问</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="360"/>
        <location filename="../../app/documents/document_card.py" line="362"/>
        <source>Put the whole text in the chat</source>
        <translation>将全文放入对话</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="361"/>
        <source>Send the complete text with your next message</source>
        <translation>随下一条消息发送全文</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="324"/>
        <location filename="../../app/documents/document_card.py" line="326"/>
        <source>Resume summary</source>
        <translation>继续摘要</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/documents/document_card.py" line="224"/>
        <source>%n page(s) without a text layer (scanned): p. {pages}.</source>
        <translation>
            <numerusform>%n 页没有文字层（扫描页）：第 {pages} 页。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="228"/>
        <source>Reading them needs a model that sees images (Gemma 3 4B, 12B or 27B with its projector); you can choose one in Models.</source>
        <translation>读取这些页面需要能看图的模型（带投影器的 Gemma 3 4B、12B 或 27B）；可在“模型”中选择。</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="232"/>
        <source>The vision model reads them first.</source>
        <translation>视觉模型会先读取这些页面。</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="251"/>
        <source>no text layer</source>
        <translation>没有文字层</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="272"/>
        <source>Reading scanned page {done} of {total}</source>
        <translation>正在读取扫描页：第 {done} 页，共 {total} 页</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="276"/>
        <source>Reading part {done} of {total} for your question</source>
        <translation>正在为你的问题阅读第 {done} 部分，共 {total} 部分</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="280"/>
        <source>Read all {total} parts</source>
        <translation>已读完全部 {total} 部分</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="288"/>
        <source>Writing the answer</source>
        <translation>正在撰写回答</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="288"/>
        <source>Writing the summary</source>
        <translation>正在撰写摘要</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="291"/>
        <source>Writing the answer from the notes of the {total} parts</source>
        <translation>正在根据 {total} 个部分的笔记撰写回答</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="320"/>
        <source>Resume answer</source>
        <translation>继续回答</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="321"/>
        <source>Continue answering where it stopped</source>
        <translation>从中断处继续回答</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="322"/>
        <source>Resume answering the question</source>
        <translation>继续回答该问题</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="325"/>
        <source>Continue the summary where it stopped</source>
        <translation>从中断处继续摘要</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="357"/>
        <source>Ask a question about the document; the answer cites its pages</source>
        <translation>就文档提问；回答会引用相应页码</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="363"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="364"/>
        <source>Stop summarizing (finished parts are kept)</source>
        <translation>停止摘要（已完成的部分会保留）</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="365"/>
        <source>Cancel the summary</source>
        <translation>取消摘要</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="366"/>
        <location filename="../../app/documents/document_card.py" line="367"/>
        <source>Remove the document</source>
        <translation>移除文档</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="368"/>
        <source>Summary progress</source>
        <translation>摘要进度</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="369"/>
        <location filename="../../app/documents/document_card.py" line="376"/>
        <source>Read scanned pages</source>
        <translation>读取扫描页</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="372"/>
        <source>Let the vision model read the scanned pages first, so they are part of the summary or answer (one model call per page)</source>
        <translation>先让视觉模型读取扫描页，使其纳入摘要或回答（每页调用一次模型）</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="377"/>
        <source>Pages that are images without a text layer</source>
        <translation>只有图像、没有文字层的页面</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="378"/>
        <source>Scanned pages</source>
        <translation>扫描页</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="379"/>
        <source>Document {name}</source>
        <translation>文档 {name}</translation>
    </message>
</context>
<context>
    <name>DocumentController</name>
    <message>
        <location filename="../../app/documents/controller.py" line="186"/>
        <source>{name} has no text Hearth can read (a scanned document?).</source>
        <translation>{name} 中没有 Hearth 能读取的文字（可能是扫描文档？）。</translation>
    </message>
    <message>
        <location filename="../../app/documents/controller.py" line="197"/>
        <source>Answering your question about this document was interrupted when Hearth closed. Finished parts are saved.</source>
        <translation>Hearth 关闭时，对此文档问题的回答被中断。已完成的部分已保存。</translation>
    </message>
    <message>
        <location filename="../../app/documents/controller.py" line="204"/>
        <source>The summary of this document was interrupted when Hearth closed. Finished parts are saved.</source>
        <translation>Hearth 关闭时此文档的摘要被中断。已完成的部分已保存。</translation>
    </message>
    <message>
        <location filename="../../app/documents/controller.py" line="236"/>
        <source>The whole text goes with your next message.</source>
        <translation>全文将随你的下一条消息发送。</translation>
    </message>
    <message>
        <location filename="../../app/documents/controller.py" line="240"/>
        <source>Ask your question: Hearth reads the whole document to answer it, with page references.</source>
        <translation>请提问：Hearth 会阅读整个文档来回答，并附页码引用。</translation>
    </message>
    <message>
        <location filename="../../app/documents/controller.py" line="245"/>
        <source>Ask your question: the document goes with your next message.</source>
        <translation>请提问：文档将随你的下一条消息发送。</translation>
    </message>
    <message>
        <location filename="../../app/documents/controller.py" line="272"/>
        <source>Type your question about {name} first.</source>
        <translation>请先输入关于 {name} 的问题。</translation>
    </message>
    <message>
        <location filename="../../app/documents/controller.py" line="292"/>
        <source>{name} is too long for the context, so only the parts that match your question best were sent: {parts}.</source>
        <translation>{name} 太长，无法放入上下文，因此只发送了与你的问题最相关的部分：{parts}。</translation>
    </message>
    <message>
        <location filename="../../app/documents/controller.py" line="334"/>
        <source>Reading the scanned pages needs a model that sees images: choose one in Models, then try again.</source>
        <translation>读取扫描页需要能看图的模型：请在“模型”中选择一个，然后重试。</translation>
    </message>
    <message>
        <location filename="../../app/documents/controller.py" line="344"/>
        <source>Summarize “{name}”.</source>
        <translation>摘要“{name}”。</translation>
    </message>
    <message>
        <location filename="../../app/documents/controller.py" line="428"/>
        <source>The answer is in the chat.</source>
        <translation>回答已放入对话。</translation>
    </message>
    <message>
        <location filename="../../app/documents/controller.py" line="430"/>
        <source>The summary is in the chat.</source>
        <translation>摘要已放入对话。</translation>
    </message>
    <message>
        <location filename="../../app/documents/controller.py" line="436"/>
        <source>Stopped while reading the scanned pages.</source>
        <translation>在读取扫描页时停止。</translation>
    </message>
    <message>
        <location filename="../../app/documents/controller.py" line="439"/>
        <source>Answering stopped after {done} of {total} parts; finished parts are kept.</source>
        <translation>回答在完成 {total} 部分中的 {done} 部分后停止；已完成的部分会保留。</translation>
    </message>
    <message>
        <location filename="../../app/documents/controller.py" line="443"/>
        <source>Summary stopped after {done} of {total} parts; finished parts are kept.</source>
        <translation>摘要在完成 {total} 部分中的 {done} 部分后停止；已完成的部分会保留。</translation>
    </message>
    <message>
        <location filename="../../app/documents/controller.py" line="506"/>
        <source>The cited document is no longer stored.</source>
        <translation>被引用的文档已不再保存。</translation>
    </message>
    <message>
        <location filename="../../app/documents/controller.py" line="539"/>
        <source>This page is a scanned image. The vision model read it for the answer, but its reading is no longer stored.</source>
        <translation>此页是扫描图像。视觉模型曾为回答读取过它，但读取结果已不再保存。</translation>
    </message>
    <message>
        <location filename="../../app/documents/controller.py" line="551"/>
        <source>Cited text</source>
        <translation>引用的文字</translation>
    </message>
</context>
<context>
    <name>ImageChip</name>
    <message>
        <location filename="../../app/composer/composer.py" line="81"/>
        <source>{tokens} tokens</source>
        <translation>{tokens} 个词元</translation>
    </message>
    <message>
        <location filename="../../app/composer/composer.py" line="82"/>
        <location filename="../../app/composer/composer.py" line="83"/>
        <source>Remove {name}</source>
        <translation>移除 {name}</translation>
    </message>
    <message>
        <location filename="../../app/composer/composer.py" line="84"/>
        <source>Show the crop grid of {name}</source>
        <translation>显示 {name} 的裁剪网格</translation>
    </message>
    <message>
        <location filename="../../app/composer/composer.py" line="85"/>
        <source>Image {name}</source>
        <translation>图像 {name}</translation>
    </message>
</context>
<context>
    <name>ImagePreview</name>
    <message>
        <location filename="../../app/vision/image_preview.py" line="321"/>
        <source>full view</source>
        <translation>全图</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/vision/image_preview.py" line="323"/>
        <source>%n crop(s)</source>
        <translation>
            <numerusform>%n 个裁剪块</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/vision/image_preview.py" line="325"/>
        <source>your zoom box</source>
        <translation>你的放大框</translation>
    </message>
    <message>
        <location filename="../../app/vision/image_preview.py" line="327"/>
        <source>{tiles} × {per} = &lt;b&gt;{tokens} image tokens&lt;/b&gt; ({parts})</source>
        <translation>{tiles} × {per} = &lt;b&gt;{tokens} 个图像词元&lt;/b&gt;（{parts}）</translation>
    </message>
    <message>
        <location filename="../../app/vision/image_preview.py" line="337"/>
        <source>This image is close to square, so Pan &amp; Scan sends it whole. Drag on it to add a zoomed crop.</source>
        <translation>这张图像接近正方形，因此 Pan &amp; Scan 会整张发送。在图上拖动可添加放大裁剪。</translation>
    </message>
    <message>
        <location filename="../../app/vision/image_preview.py" line="342"/>
        <source>Drag on the image to add a high-resolution zoom crop.</source>
        <translation>在图像上拖动，可添加高分辨率的放大裁剪。</translation>
    </message>
    <message>
        <location filename="../../app/vision/image_preview.py" line="347"/>
        <source>The loaded model cannot see images (Gemma 3 270M and 1B are text-only). Choose a 4B, 12B or 27B model with its vision projector in Models to ask about this image.</source>
        <translation>当前加载的模型无法识别图像（Gemma 3 270M 和 1B 仅支持文本）。请在“模型”中选择带视觉投影器的 4B、12B 或 27B 模型，再就这张图像提问。</translation>
    </message>
    <message>
        <location filename="../../app/vision/image_preview.py" line="358"/>
        <source>&amp;Pan &amp;&amp; Scan:</source>
        <translation>&amp;Pan &amp;&amp; Scan：</translation>
    </message>
    <message>
        <location filename="../../app/vision/image_preview.py" line="359"/>
        <source>Auto (crops for wide or tall images)</source>
        <translation>自动（宽图或高图会裁剪）</translation>
    </message>
    <message>
        <location filename="../../app/vision/image_preview.py" line="360"/>
        <source>Off (whole image only)</source>
        <translation>关闭（只发送整张图）</translation>
    </message>
    <message>
        <location filename="../../app/vision/image_preview.py" line="362"/>
        <source>Pan &amp; Scan sends extra crops of elongated images so small details stay sharp</source>
        <translation>Pan &amp; Scan 会为细长图像额外发送裁剪块，让小细节保持清晰</translation>
    </message>
    <message>
        <location filename="../../app/vision/image_preview.py" line="364"/>
        <source>Pan and Scan mode</source>
        <translation>Pan &amp; Scan 模式</translation>
    </message>
    <message>
        <location filename="../../app/vision/image_preview.py" line="365"/>
        <location filename="../../app/vision/image_preview.py" line="367"/>
        <source>Remove zoom box</source>
        <translation>移除放大框</translation>
    </message>
    <message>
        <location filename="../../app/vision/image_preview.py" line="366"/>
        <source>Remove the zoom crop you drew</source>
        <translation>移除你绘制的放大裁剪</translation>
    </message>
    <message>
        <location filename="../../app/vision/image_preview.py" line="369"/>
        <location filename="../../app/vision/image_preview.py" line="370"/>
        <source>Close the preview</source>
        <translation>关闭预览</translation>
    </message>
    <message>
        <location filename="../../app/vision/image_preview.py" line="371"/>
        <source>Image with its Pan and Scan crop grid</source>
        <translation>带 Pan &amp; Scan 裁剪网格的图像</translation>
    </message>
    <message>
        <location filename="../../app/vision/image_preview.py" line="372"/>
        <source>Drag to draw a zoom box</source>
        <translation>拖动以绘制放大框</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../app/main_window.py" line="314"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="315"/>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="316"/>
        <source>&amp;View</source>
        <translation>查看(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="317"/>
        <source>&amp;Models</source>
        <translation>模型(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="318"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="320"/>
        <source>New chat</source>
        <translation>新对话</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="321"/>
        <source>Attach images or documents…</source>
        <translation>附加图像或文档…</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="322"/>
        <source>Export conversation…</source>
        <translation>导出对话…</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="323"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="324"/>
        <source>Copy conversation</source>
        <translation>复制对话</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="325"/>
        <source>Regenerate the last answer</source>
        <translation>重新生成最后一个回答</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="326"/>
        <source>Stop the answer</source>
        <translation>停止回答</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="327"/>
        <source>Search conversations</source>
        <translation>搜索对话</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="328"/>
        <source>Go to the message box</source>
        <translation>转到消息框</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="329"/>
        <source>Next conversation</source>
        <translation>下一个对话</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="330"/>
        <source>Previous conversation</source>
        <translation>上一个对话</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="331"/>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="332"/>
        <source>Manage models…</source>
        <translation>管理模型…</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="334"/>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="335"/>
        <source>About Hearth</source>
        <translation>关于 Hearth</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="340"/>
        <source>The model that answers (Ctrl+Shift+M to manage)</source>
        <translation>负责回答的模型（Ctrl+Shift+M 管理）</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="341"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="342"/>
        <source>Models…</source>
        <translation>模型…</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="343"/>
        <source>Add, inspect and switch models (Ctrl+Shift+M)</source>
        <translation>添加、查看和切换模型 (Ctrl+Shift+M)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="344"/>
        <source>Manage models</source>
        <translation>管理模型</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="345"/>
        <source>Conversation</source>
        <translation>对话</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="349"/>
        <source>Messages; Ctrl+C copies the selected one, Alt+Left and Alt+Right switch versions</source>
        <translation>消息；Ctrl+C 复制选中的消息，Alt+左/右 切换版本</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="352"/>
        <source>Conversation title</source>
        <translation>对话标题</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="355"/>
        <source>&lt;h2&gt;Ask anything.&lt;/h2&gt;&lt;p&gt;Nothing leaves this computer.&lt;/p&gt;&lt;p&gt;Drop an image to ask about it, or a PDF to summarize it.&lt;br&gt;Press F1 for keyboard shortcuts.&lt;/p&gt;</source>
        <translation>&lt;h2&gt;尽管问吧。&lt;/h2&gt;&lt;p&gt;所有内容都不会离开这台电脑。&lt;/p&gt;&lt;p&gt;拖入图像即可就图提问，拖入 PDF 即可生成摘要。&lt;br&gt;按 F1 查看键盘快捷键。&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="360"/>
        <source>Empty conversation</source>
        <translation>空对话</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="460"/>
        <source>New conversation</source>
        <translation>新对话</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="497"/>
        <source>The loaded model cannot see images, so the message was not sent. Choose a model with a vision projector in Models, or remove the images.</source>
        <translation>当前模型无法识别图像，因此消息未发送。请在“模型”中选择带视觉投影器的模型，或移除图像。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="501"/>
        <source>Send without the images</source>
        <translation>不带图像发送</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="515"/>
        <source>This message does not fit: the conversation would need about {need} tokens but the model&apos;s context holds {n_ctx}. Hearth never drops earlier messages silently; start a new chat or raise the context size in Settings.</source>
        <translation>这条消息放不下：对话约需要 {need} 个词元，而模型的上下文只能容纳 {n_ctx} 个。Hearth 从不悄悄丢弃之前的消息；请开始新对话，或在设置中增大上下文大小。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="525"/>
        <source>The context is nearly full: the answer may stop early when it fills up. Start a new chat to keep going.</source>
        <translation>上下文快满了：用满时回答可能会提前停止。开始新对话即可继续。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="606"/>
        <source>You</source>
        <translation>你</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="606"/>
        <source>Hearth</source>
        <translation>Hearth</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="608"/>
        <source>Conversation copied</source>
        <translation>已复制对话</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="643"/>
        <source>Export conversation</source>
        <translation>导出对话</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="645"/>
        <source>Markdown (*.md);;Web page (*.html);;Hearth JSON (*.json)</source>
        <translation>Markdown (*.md);;网页 (*.html);;Hearth JSON (*.json)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="650"/>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="654"/>
        <source>Exported to {path}</source>
        <translation>已导出到 {path}</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="675"/>
        <source>This conversation uses {share:.0%} of the model&apos;s context ({used} of {size} tokens). Hearth never drops earlier messages silently: start a new chat, or raise the context size in Settings, before it is full.</source>
        <translation>此对话已使用模型上下文的 {share:.0%}（{size} 个词元中的 {used} 个）。Hearth 从不悄悄丢弃之前的消息：请在上下文用满之前开始新对话，或在设置中增大上下文大小。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="693"/>
        <source>The attached images will use {tokens} more tokens.</source>
        <translation>附加的图像将再占用 {tokens} 个词元。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="703"/>
        <source>Looking at the image… {done}/{total}</source>
        <translation>正在查看图像… {done}/{total}</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="705"/>
        <source>Reading the conversation… {done}/{total}</source>
        <translation>正在读取对话… {done}/{total}</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="714"/>
        <source>Hearth hit a bug</source>
        <translation>Hearth 遇到了错误</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="716"/>
        <source>Something went wrong inside Hearth. Your conversations are saved. Please copy the details below into a bug report.</source>
        <translation>Hearth 内部出了问题。你的对话已保存。请将下面的详细信息复制到错误报告中。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="773"/>
        <source>vision</source>
        <translation>视觉</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="851"/>
        <source>No usable model was found. Add a Gemma 3 GGUF file in Models.</source>
        <translation>没有找到可用的模型。请在“模型”中添加 Gemma 3 GGUF 文件。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="942"/>
        <source>Choose format…</source>
        <translation>选择格式…</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="948"/>
        <source>The model could not be loaded: {reason}</source>
        <translation>无法加载模型：{reason}</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="1003"/>
        <source>Loading model…</source>
        <translation>正在加载模型…</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="1003"/>
        <source>No model</source>
        <translation>没有模型</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="1005"/>
        <location filename="../../app/main_window.py" line="1010"/>
        <source>sees images</source>
        <translation>可识别图像</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="1005"/>
        <location filename="../../app/main_window.py" line="1010"/>
        <source>text only</source>
        <translation>仅文本</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="1011"/>
        <source>Gemma 3 {label} · {quant} · {ctx} tokens context · {vision}</source>
        <translation>Gemma 3 {label} · {quant} · 上下文 {ctx} 个词元 · {vision}</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="1141"/>
        <source>{name} was not found, or is not a file.</source>
        <translation>找不到 {name}，或它不是文件。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="333"/>
        <source>Remote engines…</source>
        <translation>远程引擎…</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="780"/>
        <source>remote</source>
        <translation>远程</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="1006"/>
        <source>{model} · remote · {ctx} tokens context · {vision}</source>
        <translation>{model} · 远程 · 上下文 {ctx} 个词元 · {vision}</translation>
    </message>
</context>
<context>
    <name>MessageDelegate</name>
    <message>
        <location filename="../../app/chat/delegate.py" line="90"/>
        <source>writing…</source>
        <translation>正在撰写…</translation>
    </message>
    <message>
        <location filename="../../app/chat/delegate.py" line="93"/>
        <source>Stopped before the end.</source>
        <translation>在结束前已停止。</translation>
    </message>
    <message>
        <location filename="../../app/chat/delegate.py" line="94"/>
        <source>Interrupted: Hearth closed while this answer was being written.</source>
        <translation>已中断：Hearth 在撰写此回答时关闭了。</translation>
    </message>
    <message>
        <location filename="../../app/chat/delegate.py" line="97"/>
        <source>This answer failed: {error}</source>
        <translation>此回答失败：{error}</translation>
    </message>
    <message>
        <location filename="../../app/chat/delegate.py" line="107"/>
        <source>Cut at the answer length limit.</source>
        <translation>已达到回答长度上限而截止。</translation>
    </message>
    <message>
        <location filename="../../app/chat/delegate.py" line="109"/>
        <source>Stopped: the context is full.</source>
        <translation>已停止：上下文已满。</translation>
    </message>
    <message>
        <location filename="../../app/chat/delegate.py" line="119"/>
        <location filename="../../app/chat/delegate.py" line="180"/>
        <location filename="../../app/warmup.py" line="171"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../app/chat/delegate.py" line="123"/>
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <location filename="../../app/chat/delegate.py" line="127"/>
        <source>Continue</source>
        <translation>继续</translation>
    </message>
    <message>
        <location filename="../../app/chat/delegate.py" line="130"/>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <location filename="../../app/chat/delegate.py" line="159"/>
        <source>{tokens} tokens · {tps:.1f} tokens/s</source>
        <translation>{tokens} 个词元 · {tps:.1f} 词元/秒</translation>
    </message>
    <message>
        <location filename="../../app/chat/delegate.py" line="202"/>
        <source>You</source>
        <translation>你</translation>
    </message>
    <message>
        <location filename="../../app/chat/delegate.py" line="171"/>
        <source>{name}: its text went with this message</source>
        <translation>{name}：其文字已随此消息发送</translation>
    </message>
    <message>
        <location filename="../../app/chat/delegate.py" line="204"/>
        <source>Hearth</source>
        <translation>Hearth</translation>
    </message>
    <message>
        <location filename="../../app/chat/delegate.py" line="187"/>
        <source>Attached:</source>
        <translation>附件：</translation>
    </message>
    <message>
        <location filename="../../app/chat/delegate.py" line="102"/>
        <source>Interrupted: {error}</source>
        <translation>已中断：{error}</translation>
    </message>
</context>
<context>
    <name>ModelManagerDialog</name>
    <message>
        <location filename="../../app/models/model_manager.py" line="248"/>
        <source> (bundled)</source>
        <translation>（内置）</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="262"/>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="264"/>
        <source>needs a projector</source>
        <translation>需要投影器</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="266"/>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="592"/>
        <source>Vision projector: {name}</source>
        <translation>视觉投影器：{name}</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="594"/>
        <source>No vision projector</source>
        <translation>没有视觉投影器</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="603"/>
        <source>Estimated memory {memory}</source>
        <translation>预计内存 {memory}</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="611"/>
        <location filename="../../app/models/model_manager.py" line="734"/>
        <source>Add a model</source>
        <translation>添加模型</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="611"/>
        <source>GGUF models (*.gguf)</source>
        <translation>GGUF 模型 (*.gguf)</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="625"/>
        <source>Added {name} with its vision projector {mmproj}.</source>
        <translation>已添加 {name} 及其视觉投影器 {mmproj}。</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="630"/>
        <source>Added {name}.</source>
        <translation>已添加 {name}。</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="644"/>
        <location filename="../../app/models/model_manager.py" line="739"/>
        <source>Choose the vision projector</source>
        <translation>选择视觉投影器</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="646"/>
        <source>GGUF projectors (*.gguf)</source>
        <translation>GGUF 投影器 (*.gguf)</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="682"/>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="685"/>
        <location filename="../../app/models/model_manager.py" line="699"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="686"/>
        <source>Architecture</source>
        <translation>架构</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="687"/>
        <source>Size</source>
        <translation>规模</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="688"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="689"/>
        <source>Quantization</source>
        <translation>量化</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="690"/>
        <source>Max context</source>
        <translation>最大上下文</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="691"/>
        <source>Vision</source>
        <translation>视觉</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="692"/>
        <location filename="../../app/models/model_manager.py" line="701"/>
        <source>Estimated RAM</source>
        <translation>预计内存</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="724"/>
        <source>Known models</source>
        <translation>已知模型</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="726"/>
        <source>Double-click a model to use it; drop a .gguf here to add it</source>
        <translation>双击模型即可使用；将 .gguf 拖到这里即可添加</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="728"/>
        <source>Estimate memory for a context of</source>
        <translation>按以下上下文大小估算内存</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="729"/>
        <source> tokens</source>
        <translation> 个词元</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="730"/>
        <source>The context size the memory estimate is for</source>
        <translation>内存估算所用的上下文大小</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="731"/>
        <source>Context size for the estimate</source>
        <translation>估算用的上下文大小</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="732"/>
        <source>Add a GGUF…</source>
        <translation>添加 GGUF…</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="733"/>
        <source>Add a Gemma 3 GGUF file (its header is checked first)</source>
        <translation>添加 Gemma 3 GGUF 文件（会先检查其文件头）</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="735"/>
        <source>Choose projector…</source>
        <translation>选择投影器…</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="737"/>
        <source>Pick the vision projector (mmproj) for this model</source>
        <translation>为此模型选择视觉投影器 (mmproj)</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="740"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="741"/>
        <source>Forget this model (the file is not deleted)</source>
        <translation>从列表中移除此模型（不会删除文件）</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="742"/>
        <source>Remove the model from the list</source>
        <translation>从列表中移除模型</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="743"/>
        <location filename="../../app/models/model_manager.py" line="745"/>
        <source>Use this model</source>
        <translation>使用此模型</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="744"/>
        <source>Load the selected model</source>
        <translation>加载选中的模型</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="320"/>
        <source>Hearth (bundled)</source>
        <translation>Hearth（内置）</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="323"/>
        <source>Hearth</source>
        <translation>Hearth</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="327"/>
        <source>ready</source>
        <translation>可用</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="328"/>
        <source>ready (updated by its app)</source>
        <translation>可用（已由原应用更新）</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="329"/>
        <source>ready (moved)</source>
        <translation>可用（已移动）</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="330"/>
        <source>missing</source>
        <translation>缺失</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="331"/>
        <source>cannot be used</source>
        <translation>无法使用</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="341"/>
        <source>Looking for models other apps downloaded…</source>
        <translation>正在查找其他应用下载的模型…</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="372"/>
        <source>Found {count} models from other apps ({apps}); they are used in place.</source>
        <translation>找到 {count} 个其他应用的模型（{apps}），将在原位置直接使用。</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="375"/>
        <source>No models from other apps were found.</source>
        <translation>未找到其他应用的模型。</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="379"/>
        <source>Missing now: {count} found earlier.</source>
        <translation>之前找到的 {count} 个模型现在缺失。</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="382"/>
        <source>{count} cannot be used (see the reason under the list).</source>
        <translation>{count} 个无法使用（原因显示在列表下方）。</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="408"/>
        <source>fits</source>
        <translation>够用</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="409"/>
        <source>tight</source>
        <translation>勉强</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="410"/>
        <source>too big</source>
        <translation>太大</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="411"/>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="426"/>
        <source>Needs about {need} of this computer&apos;s {ram}</source>
        <translation>需要本机 {ram} 中的约 {need}</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="439"/>
        <source>downloading {percent}%</source>
        <translation>正在下载 {percent}%</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="444"/>
        <source>downloaded</source>
        <translation>已下载</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="448"/>
        <source>paused at {percent}%</source>
        <translation>已暂停于 {percent}%</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="450"/>
        <source>no verified hash</source>
        <translation>无已验证哈希</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="452"/>
        <source>not supported yet</source>
        <translation>暂不支持</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="477"/>
        <source>Choose a model to download. Hearth connects to the network only when you click Download, and only to {host}.</source>
        <translation>请选择要下载的模型。只有在您点击“下载”时 Hearth 才会联网，且只连接 {host}。</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="489"/>
        <source>Downloads from {host}: {repo} — {files}</source>
        <translation>从 {host} 下载：{repo} — {files}</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="492"/>
        <source>Licence: {licence} ({url})</source>
        <translation>许可证：{licence}（{url}）</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="501"/>
        <source>Hearth does not know this file&apos;s published SHA-256 yet, so it will not download it: a file it cannot check is never made usable.</source>
        <translation>Hearth 还不知道此文件公布的 SHA-256，因此不会下载它：无法校验的文件绝不会被设为可用。</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="508"/>
        <source>This version of Hearth cannot run the {arch} architecture yet, so it does not download it.</source>
        <translation>此版本的 Hearth 还不能运行 {arch} 架构，因此不会下载它。</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="517"/>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="517"/>
        <location filename="../../app/models/model_manager.py" line="700"/>
        <location filename="../../app/models/model_manager.py" line="709"/>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="542"/>
        <source>{done} of {total}</source>
        <translation>{done} / {total}</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="549"/>
        <source>Checking the SHA-256 of the downloaded file…</source>
        <translation>正在校验下载文件的 SHA-256…</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="553"/>
        <source>Downloaded and verified; the model is listed under On this computer.</source>
        <translation>已下载并校验；模型已列在“本机”中。</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="561"/>
        <source>Download cancelled; the partial file was deleted.</source>
        <translation>下载已取消，未完成的文件已删除。</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="563"/>
        <source>Download paused; Resume continues where it stopped.</source>
        <translation>下载已暂停；点击“继续”从中断处接着下载。</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="569"/>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="598"/>
        <source>{path} (kept by {app}, used in place)</source>
        <translation>{path}（由 {app} 管理，在原位置使用）</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="693"/>
        <source>Kept by</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="694"/>
        <location filename="../../app/models/model_manager.py" line="704"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="702"/>
        <source>Fits this computer?</source>
        <translation>本机能否运行</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="703"/>
        <source>Licence</source>
        <translation>许可证</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="707"/>
        <source>Models to download</source>
        <translation>可下载的模型</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="708"/>
        <source>On this computer</source>
        <translation>本机</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="710"/>
        <source>Look for models from other apps</source>
        <translation>查找其他应用的模型</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="713"/>
        <source>Find GGUF models that Ollama, LM Studio, Jan, GPT4All, llama.cpp or the Hugging Face cache downloaded; they are used where they are, not copied</source>
        <translation>查找 Ollama、LM Studio、Jan、GPT4All、llama.cpp 或 Hugging Face 缓存下载的 GGUF 模型；在原位置使用，不复制</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="717"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="718"/>
        <source>Stop for now; Resume continues where it stopped</source>
        <translation>暂时停止；点击“继续”从中断处接着下载</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="719"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="720"/>
        <source>Stop and delete the partial download</source>
        <translation>停止并删除未完成的下载</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="722"/>
        <source>Download the selected model, check its SHA-256, then list it</source>
        <translation>下载所选模型，校验其 SHA-256 后加入列表</translation>
    </message>
</context>
<context>
    <name>NoticeBar</name>
    <message>
        <location filename="../../app/notices.py" line="92"/>
        <location filename="../../app/notices.py" line="93"/>
        <source>Dismiss this message</source>
        <translation>关闭此消息</translation>
    </message>
    <message>
        <location filename="../../app/notices.py" line="94"/>
        <source>Notice</source>
        <translation>提示</translation>
    </message>
</context>
<context>
    <name>PromptFormatDialog</name>
    <message>
        <location filename="../../app/models/prompt_format_dialog.py" line="36"/>
        <source>Prompt format</source>
        <translation>提示词格式</translation>
    </message>
    <message>
        <location filename="../../app/models/prompt_format_dialog.py" line="40"/>
        <source>{model} does not say how its conversations are laid out. Choose the format it was trained with (its model card says which); Hearth remembers the choice.</source>
        <translation>{model} 没有说明其对话的排版方式。请选择它训练时使用的格式（模型卡片上有写明）；Hearth 会记住这个选择。</translation>
    </message>
</context>
<context>
    <name>RemoteEnginesDialog</name>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="248"/>
        <source>Remote engine</source>
        <translation>远程引擎</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="251"/>
        <source>Remote engine {n}</source>
        <translation>远程引擎 {n}</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="275"/>
        <source>CA certificates</source>
        <translation>CA 证书</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="275"/>
        <source>PEM files (*.pem *.crt);;All (*)</source>
        <translation>PEM 文件 (*.pem *.crt);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="290"/>
        <source>Asking {url}…</source>
        <translation>正在询问 {url}…</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="310"/>
        <source>The server lists {n} model(s).</source>
        <translation>服务器列出了 {n} 个模型。</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="350"/>
        <source>Remote engines</source>
        <translation>远程引擎</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="351"/>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="352"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="353"/>
        <source>Ask the server</source>
        <translation>询问服务器</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="355"/>
        <source>Contacts only the address above and lists the models it serves</source>
        <translation>只联系上面的地址，并列出它提供的模型</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="357"/>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="358"/>
        <source>Verify the server&apos;s TLS certificate</source>
        <translation>验证服务器的 TLS 证书</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="359"/>
        <source>the system&apos;s certificates</source>
        <translation>系统证书</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="360"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="361"/>
        <source>as the server says</source>
        <translation>以服务器为准</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="365"/>
        <source>Decide from the model name</source>
        <translation>根据模型名称决定</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="366"/>
        <source>Gemma 3 (Pan &amp; Scan tiles, Gemma tokenizer)</source>
        <translation>Gemma 3（Pan &amp; Scan 图块，Gemma 分词器）</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="367"/>
        <source>Other (plain images, estimated token counts)</source>
        <translation>其他（原始图像，估算词元数）</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="372"/>
        <source>Keys are kept in the system keyring.</source>
        <translation>密钥保存在系统钥匙串中。</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="375"/>
        <source>This system has no keyring: keys are kept in {path}, readable only by you.</source>
        <translation>此系统没有钥匙串：密钥保存在 {path}，只有你能读取。</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="379"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="380"/>
        <source>Server address</source>
        <translation>服务器地址</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="381"/>
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="383"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="384"/>
        <source>Connect timeout</source>
        <translation>连接超时</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="385"/>
        <source>Read timeout</source>
        <translation>读取超时</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="386"/>
        <source>TLS</source>
        <translation>TLS</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="387"/>
        <source>CA file</source>
        <translation>CA 文件</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="388"/>
        <source>Model family</source>
        <translation>模型系列</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="389"/>
        <source>Context size</source>
        <translation>上下文大小</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../app/settings_dialog.py" line="267"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="268"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="269"/>
        <source>Answers</source>
        <translation>回答</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="270"/>
        <source>Images and appearance</source>
        <translation>图像与外观</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="271"/>
        <source>Local API server</source>
        <translation>本地 API 服务器</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="272"/>
        <source>Context size (tokens):</source>
        <translation>上下文大小（词元）：</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="273"/>
        <source>Threads:</source>
        <translation>线程数：</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="274"/>
        <source>KV cache type:</source>
        <translation>KV 缓存类型：</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="275"/>
        <source>Automatic (one per physical core)</source>
        <translation>自动（每个物理核心一个）</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="276"/>
        <source>Sampling preset:</source>
        <translation>采样预设：</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="277"/>
        <source>Answer length limit (tokens):</source>
        <translation>回答长度上限（词元）：</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="278"/>
        <source>System prompt:</source>
        <translation>系统提示词：</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="279"/>
        <source>Gemma default</source>
        <translation>Gemma 默认</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="280"/>
        <source>Precise</source>
        <translation>精确</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="281"/>
        <source>Creative</source>
        <translation>创意</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="282"/>
        <source>Custom</source>
        <translation>自定义</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="283"/>
        <source>Custom sampling</source>
        <translation>自定义采样</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="287"/>
        <source>Temperature:</source>
        <translation>温度：</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="288"/>
        <source>Top-k:</source>
        <translation>Top-k：</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="289"/>
        <source>Top-p:</source>
        <translation>Top-p：</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="290"/>
        <source>Min-p:</source>
        <translation>Min-p：</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="291"/>
        <source>Repeat penalty:</source>
        <translation>重复惩罚：</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="296"/>
        <source>Pan &amp; Scan for new images:</source>
        <translation>新图像的 Pan &amp; Scan：</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="298"/>
        <source>Theme:</source>
        <translation>主题：</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="299"/>
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="300"/>
        <source>Font size (0: system):</source>
        <translation>字号（0：跟随系统）：</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="302"/>
        <source>Auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="303"/>
        <source>Off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="304"/>
        <source>System</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="305"/>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="306"/>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="307"/>
        <source>System language</source>
        <translation>系统语言</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="310"/>
        <source>How many tokens the model can see at once; more needs more memory</source>
        <translation>模型一次能看到多少词元；越多越占内存</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="312"/>
        <source>CPU threads used for the model</source>
        <translation>模型使用的 CPU 线程数</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="313"/>
        <source>Let Hearth pick the number of threads</source>
        <translation>由 Hearth 决定线程数</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="314"/>
        <source>q8_0 halves the memory of the context cache</source>
        <translation>q8_0 可将上下文缓存的内存减半</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="315"/>
        <source>How adventurous the answers are</source>
        <translation>回答的大胆程度</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="316"/>
        <source>Higher is more varied; 0 always picks the likeliest word</source>
        <translation>越高越多样；0 总是选最可能的词</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="317"/>
        <source>Only the k likeliest words are considered (0: all)</source>
        <translation>只考虑最可能的 k 个词（0：全部）</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="318"/>
        <source>Only the likeliest words adding up to this share are considered</source>
        <translation>只考虑累计概率达到此比例的最可能的词</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="319"/>
        <source>Words less likely than this share of the best are dropped</source>
        <translation>概率低于最佳词的此比例的词会被舍弃</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="320"/>
        <source>Above 1 discourages repeating words (1: off)</source>
        <translation>大于 1 会抑制重复用词（1：关闭）</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="321"/>
        <source>The longest answer Hearth lets the model write</source>
        <translation>Hearth 允许模型写出的最长回答</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="322"/>
        <source>Instructions placed before every conversation</source>
        <translation>放在每个对话开头的指示</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="323"/>
        <source>Whether elongated images get extra crops by default</source>
        <translation>细长图像是否默认附加裁剪块</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="328"/>
        <source>Light, dark, or follow the system</source>
        <translation>浅色、深色或跟随系统</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="329"/>
        <source>The language of Hearth&apos;s own texts</source>
        <translation>Hearth 界面文字的语言</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="330"/>
        <source>Text size in points</source>
        <translation>文字大小（磅）</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="335"/>
        <source>Context size</source>
        <translation>上下文大小</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="336"/>
        <source>Threads</source>
        <translation>线程数</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="337"/>
        <source>Automatic threads</source>
        <translation>自动线程数</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="338"/>
        <source>KV cache type</source>
        <translation>KV 缓存类型</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="339"/>
        <source>Sampling preset</source>
        <translation>采样预设</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="340"/>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="341"/>
        <source>Top-k</source>
        <translation>Top-k</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="342"/>
        <source>Top-p</source>
        <translation>Top-p</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="343"/>
        <source>Min-p</source>
        <translation>Min-p</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="344"/>
        <source>Repeat penalty</source>
        <translation>重复惩罚</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="345"/>
        <source>Answer length limit</source>
        <translation>回答长度上限</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="346"/>
        <source>System prompt</source>
        <translation>系统提示词</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="347"/>
        <source>Pan and Scan default</source>
        <translation>Pan &amp; Scan 默认值</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="349"/>
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="350"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="351"/>
        <source>Font size</source>
        <translation>字号</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="297"/>
        <source>JPEG decoding:</source>
        <translation>JPEG 解码：</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="301"/>
        <source>Faster, approximate (big photos at reduced size)</source>
        <translation>更快、近似（以缩小的尺寸解码大照片）</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="325"/>
        <source>Saves a fraction of a second per big photo, but the model sees slightly different pixels than the reference preprocessing. Changing it reloads the model.</source>
        <translation>每张大照片可节省不到一秒，但模型看到的像素与参考预处理略有不同。更改此项会重新加载模型。</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="348"/>
        <source>Fast approximate JPEG decoding</source>
        <translation>快速近似 JPEG 解码</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <location filename="../../app/help_dialog.py" line="21"/>
        <source>Send the message</source>
        <translation>发送消息</translation>
    </message>
    <message>
        <location filename="../../app/help_dialog.py" line="22"/>
        <source>New line in the message</source>
        <translation>在消息中换行</translation>
    </message>
    <message>
        <location filename="../../app/help_dialog.py" line="23"/>
        <source>Copy the selected message</source>
        <translation>复制选中的消息</translation>
    </message>
    <message>
        <location filename="../../app/help_dialog.py" line="25"/>
        <source>Previous / next version of the selected message</source>
        <translation>选中消息的上一个/下一个版本</translation>
    </message>
    <message>
        <location filename="../../app/help_dialog.py" line="30"/>
        <source>Rename the selected conversation</source>
        <translation>重命名选中的对话</translation>
    </message>
    <message>
        <location filename="../../app/help_dialog.py" line="32"/>
        <source>Delete the selected conversation</source>
        <translation>删除选中的对话</translation>
    </message>
    <message>
        <location filename="../../app/help_dialog.py" line="35"/>
        <source>Paste an image or file</source>
        <translation>粘贴图像或文件</translation>
    </message>
    <message>
        <location filename="../../app/help_dialog.py" line="36"/>
        <source>Move between areas</source>
        <translation>在各区域间移动</translation>
    </message>
    <message>
        <location filename="../../app/help_dialog.py" line="44"/>
        <location filename="../../app/help_dialog.py" line="55"/>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <location filename="../../app/help_dialog.py" line="56"/>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../../app/help_dialog.py" line="56"/>
        <source>Keys</source>
        <translation>按键</translation>
    </message>
</context>
<context>
    <name>Sidebar</name>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="214"/>
        <location filename="../../app/sidebar/sidebar.py" line="544"/>
        <location filename="../../app/sidebar/sidebar.py" line="658"/>
        <source>New conversation</source>
        <translation>新对话</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="352"/>
        <source>{title}
{count} messages · {when}</source>
        <translation>{title}
{count} 条消息 · {when}</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="423"/>
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="425"/>
        <source>Unpin</source>
        <translation>取消置顶</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="425"/>
        <source>Pin to the top</source>
        <translation>置顶</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="428"/>
        <source>Move to folder…</source>
        <translation>移到文件夹…</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="430"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="438"/>
        <source>Rename conversation</source>
        <translation>重命名对话</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="439"/>
        <source>New title:</source>
        <translation>新标题：</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="466"/>
        <source>(no folder)</source>
        <translation>（无文件夹）</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="471"/>
        <source>Move to folder</source>
        <translation>移到文件夹</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="472"/>
        <source>Folder (type a new name to create one):</source>
        <translation>文件夹（输入新名称即可新建）：</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="546"/>
        <source>Deleted “{title}”.</source>
        <translation>已删除“{title}”。</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="537"/>
        <source>That conversation is no longer in your history.</source>
        <translation>该对话已不在你的历史记录中。</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="593"/>
        <source>“{title}” was not deleted: {reason}</source>
        <translation>“{title}”未被删除：{reason}</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/sidebar/sidebar.py" line="668"/>
        <source>%n result(s)</source>
        <translation>
            <numerusform>%n 条结果</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="668"/>
        <source>Nothing found.</source>
        <translation>未找到结果。</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="707"/>
        <source>＋ New chat</source>
        <translation>＋ 新对话</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="708"/>
        <source>Start a new conversation (Ctrl+N)</source>
        <translation>开始新对话 (Ctrl+N)</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="709"/>
        <source>New chat</source>
        <translation>新对话</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="710"/>
        <source>Search all conversations (Ctrl+K)</source>
        <translation>搜索所有对话 (Ctrl+K)</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="712"/>
        <source>Search the text of every conversation; Enter opens the first result</source>
        <translation>搜索所有对话的文字；按 Enter 打开第一个结果</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="714"/>
        <source>Search conversations</source>
        <translation>搜索对话</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="715"/>
        <source>Conversations</source>
        <translation>对话</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="717"/>
        <source>Your conversations: F2 renames, Delete removes, right-click for more</source>
        <translation>你的对话：F2 重命名，Delete 删除，右键查看更多操作</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="719"/>
        <source>Search results</source>
        <translation>搜索结果</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="720"/>
        <source>Matching messages; Enter opens one</source>
        <translation>匹配的消息；按 Enter 打开</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="721"/>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="722"/>
        <source>Bring the deleted conversation back</source>
        <translation>恢复已删除的对话</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="723"/>
        <source>Undo delete</source>
        <translation>撤销删除</translation>
    </message>
</context>
<context>
    <name>StatusPanel</name>
    <message>
        <location filename="../../app/status_panel.py" line="113"/>
        <source>{tps:.1f} tokens/s</source>
        <translation>{tps:.1f} 词元/秒</translation>
    </message>
    <message>
        <location filename="../../app/status_panel.py" line="118"/>
        <source>first token {ttft:.2f} s</source>
        <translation>首个词元 {ttft:.2f} 秒</translation>
    </message>
    <message>
        <location filename="../../app/status_panel.py" line="123"/>
        <source>Generation speed of the last answer</source>
        <translation>上一个回答的生成速度</translation>
    </message>
    <message>
        <location filename="../../app/status_panel.py" line="126"/>
        <source>Time from sending to the first word of the last answer (reading the prompt)</source>
        <translation>从发送到上一个回答第一个词的时间（读取提示词）</translation>
    </message>
    <message>
        <location filename="../../app/status_panel.py" line="132"/>
        <source>Generation speed</source>
        <translation>生成速度</translation>
    </message>
    <message>
        <location filename="../../app/status_panel.py" line="135"/>
        <source>Time to first token</source>
        <translation>首个词元用时</translation>
    </message>
    <message>
        <location filename="../../app/status_panel.py" line="139"/>
        <source>image encode {s:.2f} s</source>
        <translation>图像编码 {s:.2f} 秒</translation>
    </message>
    <message>
        <location filename="../../app/status_panel.py" line="147"/>
        <source>Time the vision encoder took for the last image</source>
        <translation>视觉编码器处理上一张图像的用时</translation>
    </message>
    <message>
        <location filename="../../app/status_panel.py" line="152"/>
        <source>Image encode time</source>
        <translation>图像编码用时</translation>
    </message>
    <message>
        <location filename="../../app/status_panel.py" line="154"/>
        <source>Loading the model…</source>
        <translation>正在加载模型…</translation>
    </message>
    <message>
        <location filename="../../app/status_panel.py" line="156"/>
        <source>Loading the model</source>
        <translation>正在加载模型</translation>
    </message>
    <message>
        <location filename="../../app/status_panel.py" line="158"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
</context>
<context>
    <name>crash</name>
    <message>
        <location filename="../../app/crash.py" line="49"/>
        <source>Copy details</source>
        <translation>复制详细信息</translation>
    </message>
    <message>
        <location filename="../../app/crash.py" line="53"/>
        <source>Copy the details to the clipboard for a bug report</source>
        <translation>将详细信息复制到剪贴板，用于错误报告</translation>
    </message>
    <message>
        <location filename="../../app/crash.py" line="77"/>
        <source>Hearth crashed last time</source>
        <translation>Hearth 上次意外退出</translation>
    </message>
    <message>
        <location filename="../../app/crash.py" line="78"/>
        <source>Hearth stopped unexpectedly the last time it ran. Your conversations are saved up to the last word written. The technical details are below.</source>
        <translation>Hearth 上次运行时意外停止。你的对话已保存到最后写下的一个词。技术细节如下。</translation>
    </message>
    <message>
        <location filename="../../app/crash.py" line="96"/>
        <source>Hearth hit a bug</source>
        <translation>Hearth 遇到了错误</translation>
    </message>
    <message>
        <location filename="../../app/crash.py" line="97"/>
        <source>Something went wrong inside Hearth. Your conversations are saved. Please copy the details below into a bug report.</source>
        <translation>Hearth 内部出了问题。你的对话已保存。请将下面的详细信息复制到错误报告中。</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../../app/main.py" line="69"/>
        <source>Hearth is not responding</source>
        <translation>Hearth 没有响应</translation>
    </message>
    <message>
        <location filename="../../app/main.py" line="70"/>
        <source>Hearth is already running for this data folder but did not answer. Close it (or end it in your system monitor) and start Hearth again.</source>
        <translation>Hearth 已在使用此数据文件夹运行，但没有响应。请关闭它（或在系统监视器中结束它），然后重新启动 Hearth。</translation>
    </message>
</context>
</TS>
