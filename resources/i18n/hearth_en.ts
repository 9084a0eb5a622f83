<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>DocumentCard</name>
    <message numerus="yes">
        <location filename="../../app/documents/document_card.py" line="224"/>
        <source>%n page(s) without a text layer (scanned): p. {pages}.</source>
        <translation>
            <numerusform>%n page without a text layer (scanned): p. {pages}.</numerusform>
            <numerusform>%n pages without a text layer (scanned): pp. {pages}.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/documents/document_card.py" line="249"/>
        <source>%n page(s)</source>
        <translation>
            <numerusform>%n page</numerusform>
            <numerusform>%n pages</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/documents/document_card.py" line="297"/>
        <source>%n part(s) resumed from before</source>
        <translation>
            <numerusform>%n part resumed from before</numerusform>
            <numerusform>%n parts resumed from before</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ImagePreview</name>
    <message numerus="yes">
        <location filename="../../app/vision/image_preview.py" line="323"/>
        <source>%n crop(s)</source>
        <translation>
            <numerusform>%n crop</numerusform>
            <numerusform>%n crops</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Sidebar</name>
    <message numerus="yes">
        <location filename="../../app/sidebar/sidebar.py" line="668"/>
        <source>%n result(s)</source>
        <translation>
            <numerusform>%n result</numerusform>
            <numerusform>%n results</numerusform>
        </translation>
    </message>
</context>
</TS>
