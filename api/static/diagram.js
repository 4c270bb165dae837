// Draw the case's BPMN diagrams with bpmn-js (served from node_modules) and mark where the case is.
(function () {
  "use strict";
  var dataElement = document.getElementById("diagram-data");
  var host = document.getElementById("diagrams");
  if (!dataElement || !host || typeof window.BpmnJS !== "function") {
    return;
  }
  var data = JSON.parse(dataElement.textContent);
  var markers = [["active", "regie-active"], ["completed", "regie-completed"], ["incidents", "regie-incident"]];

  function mark(canvas, registry) {
    markers.forEach(function (pair) {
      (data[pair[0]] || []).forEach(function (id) {
        if (registry.get(id)) {
          canvas.addMarker(id, pair[1]);
        }
      });
    });
  }

  (data.diagrams || []).forEach(function (diagram, index) {
    var title = document.createElement("h3");
    title.className = "utrecht-heading-3";
    title.textContent = diagram.name;
    host.appendChild(title);
    var box = document.createElement("div");
    box.className = "regie-diagram";
    box.id = "diagram-" + index;
    box.setAttribute("role", "img");
    box.setAttribute("aria-label", "Procesdiagram " + diagram.name + "; actieve stappen zijn blauw omlijnd");
    host.appendChild(box);
    var viewer = new window.BpmnJS({ container: box });
    viewer.importXML(diagram.xml).then(function () {
      var canvas = viewer.get("canvas");
      canvas.zoom("fit-viewport", "auto");
      mark(canvas, viewer.get("elementRegistry"));
      box.setAttribute("data-rendered", "true");
      var fallback = document.getElementById("diagram-fallback");
      if (fallback) {
        fallback.querySelector(".regie-muted").hidden = true;
      }
    }).catch(function () {
      box.textContent = "Het diagram kan niet worden getoond.";
    });
  });
})();
